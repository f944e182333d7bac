/**
 * Runs a child process (the pty host, the onnx runner) and restarts it when it dies, a bounded number of
 * times in a row. The one seam that hides how children are started: `child_process.fork` under Node, and
 * the same under Electron with ELECTRON_RUN_AS_NODE so that Electron's binary runs the child as plain Node.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Disposable } from '../common/disposable';

export type SupervisorState = 'running' | 'restarting' | 'failed';

export interface SupervisorOptions<Out> {
  /** For messages: "pty host", "onnx runner". */
  readonly name: string;
  /** The child's entry script (a built .js file). */
  readonly entry: string;
  /** Restarts allowed in a row; the next crash leaves the child stopped. */
  readonly maxRestarts?: number;
  /** A child that ran this long before dying resets the count (its crash is not "in a row"). */
  readonly stableAfterMs?: number;
  /** 'advanced' (structured clone) lets typed arrays cross as they are; 'json' by default. */
  readonly serialization?: 'json' | 'advanced';
  readonly onMessage: (msg: Out) => void;
  /** The child died (before any restart): whatever it held is gone. */
  readonly onExit?: (detail: { code: number | null; signal: NodeJS.Signals | null }) => void;
  readonly onState?: (state: SupervisorState, restarts: number, message: string | null) => void;
}

export class Supervisor<In, Out> implements Disposable {
  private child: ChildProcess | null = null;
  private restarts = 0;
  private startedAt = 0;
  private disposed = false;
  private failed = false;

  constructor(private readonly options: SupervisorOptions<Out>) {
    this.spawn();
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get state(): SupervisorState {
    return this.failed ? 'failed' : 'running';
  }

  /** Sends to the child; false when it is not running (failed, or between a crash and its restart). */
  send(msg: In): boolean {
    const child = this.child;
    if (!child || !child.connected) return false;
    child.send(msg as object);
    return true;
  }

  /** After `failed`: the user asked to try again. */
  retry(): void {
    if (!this.failed || this.disposed) return;
    this.failed = false;
    this.restarts = 0;
    this.spawn();
    this.options.onState?.('running', 0, null);
  }

  private spawn(): void {
    const child = fork(this.options.entry, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      serialization: this.options.serialization ?? 'json',
    });
    this.child = child;
    this.startedAt = Date.now();
    child.on('message', (msg) => this.options.onMessage(msg as Out));
    child.on('error', (e) => console.error(`[lathe] ${this.options.name}:`, e));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    if (this.disposed) return;
    this.options.onExit?.({ code, signal });
    const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
    if (Date.now() - this.startedAt >= (this.options.stableAfterMs ?? 60_000)) this.restarts = 0;
    const max = this.options.maxRestarts ?? 5;
    if (this.restarts >= max) {
      this.failed = true;
      this.options.onState?.(
        'failed',
        this.restarts,
        `The ${this.options.name} ${how} and crashed ${max + 1} times in a row; Lathe stopped restarting it.`,
      );
      return;
    }
    this.restarts += 1;
    this.options.onState?.('restarting', this.restarts, `The ${this.options.name} ${how}; restarting it (${this.restarts} of ${max}).`);
    this.spawn();
    this.options.onState?.('running', this.restarts, null);
  }

  /** For tests: the child's process, to kill it. */
  get process(): ChildProcess | null {
    return this.child;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.disconnect?.();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
