/**
 * The pty host: a child process supervised by the core, and the only importer of node-pty.
 * It spawns Python in ptys and carries bytes and markers; see `common/protocols/pty.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FromPtyHost, ToPtyHost } from '../common/protocols/pty';
import { PtySession } from './pty-session';

const sessions = new Map<string, PtySession>();
// A private (0700) folder for the driver's control sockets.
const socketDir = mkdtempSync(join(tmpdir(), 'lathe-pty-'));

function send(msg: FromPtyHost): void {
  if (!process.connected) return;
  // The channel can close between the check and the write (the core exiting): not an error here.
  process.send!(msg, undefined, undefined, () => undefined);
}

function handle(msg: ToPtyHost): void {
  if (msg.t === 'spawn') {
    sessions.get(msg.session)?.dispose();
    try {
      const session = new PtySession(msg, socketDir, (m) => {
        if (m.t === 'exit') sessions.delete(m.session);
        send(m);
      });
      sessions.set(msg.session, session);
      send({ t: 'spawned', session: msg.session, pid: session.pid });
    } catch (e) {
      send({ t: 'spawn-failed', session: msg.session, message: (e as Error).message });
    }
    return;
  }
  const session = sessions.get(msg.session);
  if (!session) return;
  switch (msg.t) {
    case 'control':
      return session.control(msg.message);
    case 'input':
      return session.input(msg.data);
    case 'resize':
      return session.resize(msg.cols, msg.rows);
    case 'interrupt':
      return session.interrupt();
    case 'pause':
      return session.pause();
    case 'resume':
      return session.resume();
    case 'kill':
      void session.kill();
      return;
  }
}

async function shutdown(): Promise<void> {
  await Promise.all([...sessions.values()].map((s) => s.kill()));
  rmSync(socketDir, { recursive: true, force: true });
  process.exit(0);
}

process.on('message', (msg) => handle(msg as ToPtyHost));
// The core went away (crash or quit): Python processes must not outlive it.
process.on('disconnect', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
// Ctrl+C in the terminal that runs `lathe` reaches the whole process group: the core decides what
// happens to sessions, so the pty host must not die of it.
process.on('SIGINT', () => undefined);
send({ t: 'host-ready', pid: process.pid });
