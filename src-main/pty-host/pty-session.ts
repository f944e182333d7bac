/**
 * One Python process in a pty, with its control socket, marker parser and batcher.
 * The pty host's only stateful piece; the core decides what to run and when.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { OscParser, type OscItem } from '../common/osc';
import type { FromPtyHost, SpawnRequest } from '../common/protocols/pty';
import type { ControlMessage } from '../common/protocols/repl';
import { Batcher } from './batcher';
import { killTree, signal } from './kill-tree';

export class PtySession {
  private readonly term: pty.IPty;
  private readonly server: Server;
  private readonly socketPath: string;
  private socket: Socket | null = null;
  private readonly backlog: string[] = [];
  private readonly parser: OscParser;
  private readonly batcher: Batcher;
  private exited = false;

  constructor(
    private readonly req: SpawnRequest,
    socketDir: string,
    private readonly send: (msg: FromPtyHost) => void,
  ) {
    const nonce = randomBytes(16).toString('hex');
    this.parser = new OscParser(nonce);
    this.batcher = new Batcher((items) => this.send({ t: 'items', session: req.session, items }));
    this.socketPath = join(socketDir, `${req.session.replace(/[^\w-]/g, '_')}.sock`);
    this.server = createServer((socket) => this.onConnection(socket));
    this.server.maxConnections = 1;
    this.server.listen(this.socketPath);

    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith('LATHE_') && k !== 'ELECTRON_RUN_AS_NODE' && k !== 'NODE_CHANNEL_FD') env[k] = v;
    }
    Object.assign(env, req.env, {
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      LATHE_REPL_SOCKET: this.socketPath,
      LATHE_REPL_NONCE: nonce,
    });
    // Throws (ENOENT, EACCES) synchronously for a missing interpreter; the caller turns it into spawn-failed.
    this.term = pty.spawn(req.python, [req.driver], {
      name: 'xterm-256color',
      cols: req.cols,
      rows: req.rows,
      cwd: req.cwd,
      env,
      encoding: 'utf8',
    });
    this.term.onData((data) => this.batcher.add(this.parser.push(data)));
    this.term.onExit(({ exitCode, signal: sig }) => this.onExit(exitCode, sig ?? 0));
  }

  get pid(): number {
    return this.term.pid;
  }

  control(message: ControlMessage): void {
    const line = `${JSON.stringify(message)}\n`;
    if (this.socket) this.socket.write(line);
    else this.backlog.push(line);
  }

  input(data: string): void {
    if (!this.exited) this.term.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.exited) this.term.resize(cols, rows);
  }

  /** SIGINT to the pty's process group, as Ctrl+C in a terminal would (but also when ISIG is off). */
  interrupt(): void {
    if (!signal(-this.term.pid, 'SIGINT')) signal(this.term.pid, 'SIGINT');
  }

  pause(): void {
    if (!this.exited) this.term.pause();
  }

  resume(): void {
    if (!this.exited) this.term.resume();
  }

  async kill(): Promise<void> {
    if (this.exited) return;
    this.term.resume();
    await killTree(this.term.pid);
  }

  private onConnection(socket: Socket): void {
    if (this.socket) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    socket.setNoDelay?.(true);
    socket.on('error', () => undefined);
    for (const line of this.backlog.splice(0)) socket.write(line);
    this.send({ t: 'connected', session: this.req.session });
  }

  private onExit(code: number, sig: number): void {
    if (this.exited) return;
    this.exited = true;
    const rest: OscItem[] = this.parser.flush();
    this.batcher.add(rest);
    this.batcher.flush();
    this.dispose();
    this.send({ t: 'exit', session: this.req.session, code: sig ? null : code, signal: sig || null });
  }

  dispose(): void {
    this.batcher.flush();
    this.socket?.destroy();
    this.server.close();
    rmSync(this.socketPath, { force: true });
  }
}
