/**
 * Notebooks in the core: the `notebooks.*` methods.
 *
 * - **Files go through the workspace.** `open` reads with `workspace.read` (confined to the project, the
 *   same content version), `save` and `create` write with `workspace.write` (atomic, with the version
 *   check), so a notebook changed on disk since it was opened is a CONFLICT, as for any file.
 * - **Nothing invalid is ever written.** A notebook from the client is checked as the parser checks a
 *   file (`validateNotebook`) before it is serialised Jupyter's way (sorted keys, indent 1, trailing
 *   newline). A broken file is refused on open with the parser's reason, and never
 *   touched.
 * - **Recovery copies** of unsaved edits live under `<userDir>/recovery/<id>.ipynb`, where `id` is the
 *   first 20 hex digits of sha1(project root, NUL, project-relative path). Each is a valid notebook (any
 *   Jupyter opens it) whose `metadata.lathe_recovery` holds `{root, path, savedAt}`; that header is removed
 *   before the copy is handed back. They are written atomically and never touch the user's file. `open`
 *   offers the copy only when it was saved after the file's last change and differs from it; a save of
 *   the file, or `discardRecovery`, removes it.
 * - **Runs.** Each notebook remembers (in memory, per project and path) its bound session and the ids of
 *   its cells' runs, the last RUNS_MAX of them. `runs` returns those the session service still knows
 *   (`runSnapshot`), oldest first, so a reloaded UI re-attaches: for a cell, the last one listed is its
 *   latest run.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { NotebookFile, NotebookRun, WriteResult } from '../../common/contract';
import { newNotebook, parseNotebook, serializeNotebook, validateNotebook } from '../../common/notebook/ipynb';
import type { JsonObject, Notebook } from '../../common/notebook/nbformat';
import { err, ok, type Result } from '../../common/result';
import type { SessionService } from '../sessions/session-service';
import { atomicWrite } from '../workspace/atomic-write';
import { resolveInProject } from '../workspace/confine';
import { describePath, hasErrno } from '../workspace/fs-errors';
import { formatSize, MAX_EDITABLE_BYTES } from '../workspace/text-codec';
import type { WorkspaceService } from '../workspace/workspace-service';

/** Runs remembered per notebook (the session service forgets captured runs beyond its own bound too). */
export const RUNS_MAX = 500;
/** The recovery header's key in a recovery copy's notebook metadata. */
export const RECOVERY_KEY = 'lathe_recovery';

export interface NotebookServiceOptions {
  readonly workspace: WorkspaceService;
  readonly sessions: SessionService;
  /** Lathe's settings folder: recovery copies go to `<userDir>/recovery/`. */
  readonly userDir: string;
  /** The Python version (`3.11.2`) of `python`, or of the default interpreter when undefined; null when unknown. */
  readonly pythonVersion: (python: string | undefined) => Promise<string | null>;
  readonly now?: () => number;
}

interface Located {
  readonly root: string;
  /** Normalised project-relative path. */
  readonly rel: string;
  readonly abs: string;
  /** root NUL rel: the key of the notebook's state and recovery copy. */
  readonly key: string;
}

interface RunRef {
  readonly cellId: string;
  readonly sessionId: string;
  readonly runId: string;
}

interface NotebookState {
  sessionId: string | null;
  runs: RunRef[];
}

const noProject = () => err('NO_PROJECT', 'Open a folder first');

export class NotebookService {
  private readonly states = new Map<string, NotebookState>();
  /** Recovery-file operations run one at a time per notebook, so a late autosave can't outlive a save. */
  private readonly recoveryQueues = new Map<string, Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly opts: NotebookServiceOptions) {
    this.now = opts.now ?? Date.now;
  }

  get recoveryDir(): string {
    return join(this.opts.userDir, 'recovery');
  }

  // --- files -------------------------------------------------------------------------------------------

  async open(path: string): Promise<Result<NotebookFile>> {
    const at = await this.locate(path);
    if (!at.ok) return at;
    const { rel, abs } = at.value;
    const read = await this.opts.workspace.read(rel);
    if (!read.ok) return read;
    const file = read.value;
    if (file.kind === 'too-large') {
      return err('READ_ONLY', `${describePath(rel)} is ${formatSize(file.size)}: notebooks over ${formatSize(MAX_EDITABLE_BYTES)} can't be opened in Lathe yet`);
    }
    if (file.kind === 'binary') return err('NOTEBOOK_INVALID', `${describePath(rel)} is not a notebook: it holds binary data, not JSON`);
    const parsed = parseNotebook(file.text);
    if (!parsed.ok) return err('NOTEBOOK_INVALID', `${describePath(rel)} is not a valid notebook: ${parsed.message}`);

    let mtimeMs = 0;
    try {
      mtimeMs = (await fs.stat(abs)).mtimeMs;
    } catch {
      // Gone since it was read: any recovery copy is newer.
    }
    const recovery = await this.readRecovery(at.value, mtimeMs, parsed.value);
    return ok({ path: rel, notebook: parsed.value, version: file.version, recovery, session: this.liveSession(at.value.key) });
  }

  async save(path: string, notebook: Notebook, expectedVersion: string | null): Promise<Result<WriteResult>> {
    const at = await this.locate(path);
    if (!at.ok) return at;
    const text = checkedText(notebook, at.value.rel);
    if (!text.ok) return text;
    const written = await this.write(at.value.rel, text.value, expectedVersion);
    if (written.ok) await this.removeRecovery(at.value);
    return written;
  }

  async create(path: string, python?: string): Promise<Result<NotebookFile>> {
    const at = await this.locate(path);
    if (!at.ok) return at;
    const { rel } = at.value;
    if (rel === '') return err('INVALID_ARGUMENT', 'Give a name for the new notebook');
    const version = await this.opts.pythonVersion(python);
    const text = serializeNotebook(newNotebook(version ? { pythonVersion: version } : {}));
    // Parsed back, so `create` hands out exactly what `open` would.
    const parsed = parseNotebook(text);
    if (!parsed.ok) throw new Error(`newNotebook() made an invalid notebook: ${parsed.message}`);
    const written = await this.write(rel, text, null);
    if (!written.ok) {
      return written.code === 'CONFLICT' ? err('ALREADY_EXISTS', `${describePath(rel)} already exists`) : written;
    }
    await this.removeRecovery(at.value);
    return ok({ path: rel, notebook: parsed.value, version: written.value.version, recovery: null, session: this.liveSession(at.value.key) });
  }

  async autosave(path: string, notebook: Notebook): Promise<Result<void>> {
    const at = await this.locate(path);
    if (!at.ok) return at;
    const checked = validateNotebook(notebook);
    if (!checked.ok) return err('NOTEBOOK_INVALID', `The edits to ${describePath(at.value.rel)} can't be kept: ${checked.message}`);
    const { root, rel } = at.value;
    const header: JsonObject = { root, path: rel, savedAt: this.now() };
    const copy: Notebook = { ...checked.value, metadata: { ...checked.value.metadata, [RECOVERY_KEY]: header } };
    const target = this.recoveryFile(at.value);
    return this.recoveryOp(at.value.key, async () => {
      try {
        await fs.mkdir(this.recoveryDir, { recursive: true });
        await atomicWrite(target, serializeNotebook(copy));
        return ok();
      } catch (e) {
        return err('IO_ERROR', `Could not keep a recovery copy of ${describePath(rel)} in ${this.recoveryDir}: ${(e as Error).message}`);
      }
    });
  }

  async discardRecovery(path: string): Promise<Result<void>> {
    const at = await this.locate(path);
    if (!at.ok) return at;
    await this.removeRecovery(at.value);
    return ok();
  }

  // --- sessions and runs ---------------------------------------------------------------------------------

  async bind(path: string, sessionId: string): Promise<Result<void>> {
    const at = await this.locate(path);
    if (!at.ok) return at;
    const session = this.opts.sessions.get(sessionId);
    if (!session.ok) return session;
    this.state(at.value.key).sessionId = sessionId;
    return ok();
  }

  async execute(path: string, sessionId: string, cellId: string, code: string, opts: { profile?: boolean } = {}): Promise<Result<{ runId: string }>> {
    const at = await this.locate(path);
    if (!at.ok) return at;
    const run = this.opts.sessions.execute(sessionId, code, { capture: true, origin: 'notebook', echo: true, ...(opts.profile ? { profile: true } : {}) });
    if (!run.ok) return run;
    const state = this.state(at.value.key);
    state.sessionId = sessionId;
    state.runs.push({ cellId, sessionId, runId: run.value.runId });
    if (state.runs.length > RUNS_MAX) state.runs.splice(0, state.runs.length - RUNS_MAX);
    return ok({ runId: run.value.runId });
  }

  async runs(path: string): Promise<Result<readonly NotebookRun[]>> {
    const at = await this.locate(path);
    if (!at.ok) return at;
    const state = this.states.get(at.value.key);
    if (!state) return ok([]);
    const known: NotebookRun[] = [];
    const kept: RunRef[] = [];
    for (const ref of state.runs) {
      const snap = this.opts.sessions.runSnapshot(ref.sessionId, ref.runId);
      if (!snap) continue; // forgotten by the session (or the session is gone): drop it
      kept.push(ref);
      known.push({ cellId: ref.cellId, run: snap.info, outputs: snap.outputs });
    }
    state.runs = kept;
    return ok(known);
  }

  // --- helpers -----------------------------------------------------------------------------------------

  private async locate(path: string): Promise<Result<Located>> {
    const root = this.opts.workspace.current()?.root;
    if (!root) return noProject();
    const at = await resolveInProject(root, path);
    if (!at.ok) return at;
    return ok({ root, rel: at.value.rel, abs: at.value.abs, key: `${root}\0${at.value.rel}` });
  }

  private write(rel: string, text: string, expectedVersion: string | null): Promise<Result<WriteResult>> {
    return this.opts.workspace.write({ path: rel, text, encoding: 'utf8', bom: false, eol: '\n', expectedVersion });
  }

  private state(key: string): NotebookState {
    let s = this.states.get(key);
    if (!s) {
      s = { sessionId: null, runs: [] };
      this.states.set(key, s);
    }
    return s;
  }

  /** The bound session, if it is still alive (not stopped, not dead). */
  private liveSession(key: string): string | null {
    const id = this.states.get(key)?.sessionId;
    if (!id) return null;
    const session = this.opts.sessions.get(id);
    return session.ok && session.value.state !== 'dead' ? id : null;
  }

  private recoveryFile(at: Located): string {
    const id = createHash('sha1').update(at.key, 'utf8').digest('hex').slice(0, 20);
    return join(this.recoveryDir, `${id}.ipynb`);
  }

  private async readRecovery(at: Located, fileMtimeMs: number, onDisk: Notebook): Promise<NotebookFile['recovery']> {
    const file = this.recoveryFile(at);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      if (!hasErrno(e, 'ENOENT')) console.error(`[lathe] could not read the recovery copy ${file}: ${(e as Error).message}`);
      return null;
    }
    const parsed = parseNotebook(text);
    if (!parsed.ok) {
      console.error(`[lathe] ignoring the broken recovery copy ${file}: ${parsed.message}`);
      return null;
    }
    const { [RECOVERY_KEY]: header, ...metadata } = parsed.value.metadata;
    if (!isHeader(header) || header.root !== at.root || header.path !== at.rel) return null;
    if (header.savedAt <= fileMtimeMs) return null;
    const notebook: Notebook = { ...parsed.value, metadata };
    // The same notebook as the file (the edits were saved after all): nothing to recover.
    if (serializeNotebook(notebook) === serializeNotebook(onDisk)) return null;
    return { savedAt: header.savedAt, notebook };
  }

  private removeRecovery(at: Located): Promise<void> {
    const file = this.recoveryFile(at);
    return this.recoveryOp(at.key, async () => {
      await fs.rm(file, { force: true });
    });
  }

  private recoveryOp<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.recoveryQueues.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.recoveryQueues.set(key, tail);
    void tail.then(() => {
      if (this.recoveryQueues.get(key) === tail) this.recoveryQueues.delete(key);
    });
    return run;
  }
}

function isHeader(v: unknown): v is { root: string; path: string; savedAt: number } {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  return typeof h.root === 'string' && typeof h.path === 'string' && typeof h.savedAt === 'number';
}

/** The notebook's file text, Jupyter's way, if the parser's checks accept it; NOTEBOOK_INVALID otherwise. */
function checkedText(notebook: Notebook, rel: string): Result<string> {
  const checked = validateNotebook(notebook);
  if (!checked.ok) return err('NOTEBOOK_INVALID', `${describePath(rel)} was not saved: ${checked.message}`);
  return ok(serializeNotebook(checked.value));
}
