/**
 * Messages between the core (`core/sessions`) and the pty host child process (`pty-host/`), over the
 * supervisor's IPC channel. The pty host is a transport: it owns the ptys, the control sockets, the
 * marker parser and the batching; the core owns the sessions' state (runs, queue, scrollback, viewers).
 */
import type { OscItem } from '../osc';
import type { ControlMessage } from './repl';

export interface SpawnRequest {
  readonly session: string;
  readonly python: string;
  /** The driver script, absolute. */
  readonly driver: string;
  readonly cwd: string;
  /** Extra environment (merged over the host's). */
  readonly env: Readonly<Record<string, string>>;
  readonly cols: number;
  readonly rows: number;
}

export type ToPtyHost =
  | ({ readonly t: 'spawn' } & SpawnRequest)
  /** A control line for the driver (a run, a variables request). */
  | { readonly t: 'control'; readonly session: string; readonly message: ControlMessage }
  /** Keystrokes for the pty. */
  | { readonly t: 'input'; readonly session: string; readonly data: string }
  | { readonly t: 'resize'; readonly session: string; readonly cols: number; readonly rows: number }
  /** SIGINT to the pty's foreground process group. */
  | { readonly t: 'interrupt'; readonly session: string }
  /** Kill the whole process tree (SIGKILL). */
  | { readonly t: 'kill'; readonly session: string }
  /** Flow control: stop or resume reading the pty. */
  | { readonly t: 'pause'; readonly session: string }
  | { readonly t: 'resume'; readonly session: string };

export type FromPtyHost =
  | { readonly t: 'host-ready'; readonly pid: number }
  | { readonly t: 'spawned'; readonly session: string; readonly pid: number }
  | { readonly t: 'spawn-failed'; readonly session: string; readonly message: string }
  /** Terminal output and driver markers, in order, batched (about 16 ms or 200 KB). */
  | { readonly t: 'items'; readonly session: string; readonly items: readonly OscItem[] }
  /** The driver connected to its control socket. */
  | { readonly t: 'connected'; readonly session: string }
  | { readonly t: 'exit'; readonly session: string; readonly code: number | null; readonly signal: number | null };
