/**
 * The user's settings, keybindings, recent projects and per-project UI state, kept in the user dir:
 *
 *   settings.json        JSON with comments; the user's own file, edited in Lathe or in any editor
 *   keybindings.json     JSON with comments: [{ "key": "ctrl+k", "command": "..." }]
 *   recent.json          recently opened projects, most recent first
 *   workspaces/<id>.json per-project UI state (tabs, layout), id = sha1(root) first 16 hex
 *
 * The user's files are never lost or reformatted: what they type is saved as typed, problems come back in
 * words, and the last valid values stay applied for whatever is invalid. Edits made outside Lathe are picked
 * up by a watcher and announced like any other change (`settings.changed`).
 *
 * Host-agnostic: plain Node, no Electron.
 */
import { createHash } from 'node:crypto';
import { watch, promises as fs, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify, parse, printParseErrorCode, stripComments, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import {
  methods,
  type RecentProject,
  type SettingsSnapshot,
  type UserFile,
  type UserFileContent,
  type UserFileWriteResult,
  type WorkspaceState,
} from '../../common/contract';
import type { Disposable } from '../../common/disposable';
import { err, ok, type ErrorCode, type Failure, type Result } from '../../common/result';
import {
  DEFAULT_SETTINGS,
  settingsSchema,
  validateKeybindings,
  validateSettings,
  type Keybinding,
  type Settings,
} from '../../common/settings-schema';
import type { EventHub } from '../event-hub';
import { atomicWrite } from '../workspace/atomic-write';

export interface SettingsServiceOptions {
  readonly userDir: string;
  readonly hub: EventHub;
}

export const USER_FILE_NAMES: { readonly [F in UserFile]: string } = {
  settings: 'settings.json',
  keybindings: 'keybindings.json',
};

export const RECENT_MAX = 20;
/** The watcher waits this long after the last change to a file before reloading it. */
export const WATCH_DEBOUNCE_MS = 100;
/** Per-project state is written at most this often; the last state is always written. */
export const STATE_WRITE_INTERVAL_MS = 250;

const JSONC_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true } as const;
const BOM = '\uFEFF';

// -----------------------------------------------------------------------------------------------------
// Pure helpers
// -----------------------------------------------------------------------------------------------------

/** The version of a user file: sha1 of its text, first 16 hex; 'new' for a file that does not exist. */
export function textVersion(text: string | null): string {
  return text === null ? 'new' : createHash('sha1').update(text, 'utf8').digest('hex').slice(0, 16);
}

export function workspaceStateId(root: string): string {
  return createHash('sha1').update(root, 'utf8').digest('hex').slice(0, 16);
}

const PARSE_ERROR_WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the end of the document',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/** 1-based line and column of `offset` in `text`. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10 /* \n */) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

export interface JsoncParse {
  /** undefined when the document holds no value (empty, or only comments). */
  readonly value: unknown;
  /** Syntax errors in words: `settings.json:3:5: expected ","`. Empty when the text parsed cleanly. */
  readonly syntax: readonly string[];
}

/** Parse JSON with comments (trailing commas allowed), describing syntax errors with line:col. */
export function parseJsonc(text: string, fileName: string): JsoncParse {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  if (stripComments(body).trim() === '') {
    // Still report a broken comment (e.g. an unterminated /* ... ).
    const errors: ParseError[] = [];
    parse(body, errors, JSONC_OPTIONS);
    return { value: undefined, syntax: describeParseErrors(body, errors, fileName) };
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(body, errors, JSONC_OPTIONS);
  return { value, syntax: describeParseErrors(body, errors, fileName) };
}

function describeParseErrors(text: string, errors: readonly ParseError[], fileName: string): string[] {
  return errors.map((e) => {
    const { line, column } = lineCol(text, e.offset);
    const name = printParseErrorCode(e.error);
    return `${fileName}:${line}:${column}: ${PARSE_ERROR_WORDS[name] ?? name}`;
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SETTING_DESCRIPTIONS: Partial<Record<keyof Settings, string>> = {
  'workbench.theme': 'Color theme: "system" follows the OS; or "light", "dark".',
  'files.exclude': 'Glob patterns of files and folders hidden from the explorer and Go to File.',
  'editor.fontSize': 'Editor font size in pixels (6 to 72).',
  'editor.tabSize': 'Spaces per indentation level (1 to 16).',
  'editor.wordWrap': 'Wrap long lines: "off" or "on".',
  'editor.minimap': 'Show the minimap beside the editor.',
  'editor.fontFamily': 'Editor font, as a CSS font-family list.',
  'gradients.vanishingNorm': 'Gradients panel: a gradient norm under this is vanishing (when it lasts gradients.vanishingSteps logged steps).',
  'gradients.vanishingSteps': 'Gradients panel: logged steps in a row under gradients.vanishingNorm before a vanishing alert.',
  'gradients.explodingNorm': 'Gradients panel: a gradient norm over this is exploding.',
  'gradients.jumpFactor': 'Gradients panel: a gradient norm this many times the previous logged one is a jump.',
};

function inlineJson(value: unknown): string {
  return Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(value);
}

/** What a missing settings.json opens as: every setting, commented out, with its default. */
export function settingsTemplate(): string {
  const lines = [
    '// Lathe user settings: JSON with comments.',
    '// Every setting is listed below with its default. Uncomment a line and change the value to override it.',
    '{',
  ];
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
    const description = SETTING_DESCRIPTIONS[key as keyof Settings];
    if (description) lines.push(`  // ${description}`);
    lines.push(`  // ${JSON.stringify(key)}: ${inlineJson(value)},`, '');
  }
  if (lines[lines.length - 1] === '') lines.pop();
  lines.push('}', '');
  return lines.join('\n');
}

/** What a missing keybindings.json opens as. */
export function keybindingsTemplate(): string {
  return [
    '// Lathe keybindings: JSON with comments, a list of { "key", "command" }.',
    '// Keys look like "ctrl+shift+p", "alt+enter" or "f2" (modifiers: ctrl, shift, alt, meta).',
    '// Prefix a command with "-" to remove its default binding. For example:',
    '[',
    '  // { "key": "ctrl+shift+p", "command": "workbench.commandPalette" },',
    '  // { "key": "ctrl+s", "command": "-file.save" }',
    ']',
    '',
  ].join('\n');
}

function templateFor(file: UserFile): string {
  return file === 'settings' ? settingsTemplate() : keybindingsTemplate();
}

/** Indentation and line ending of an existing document, so inserted text looks like the user's. */
function detectFormatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  const width = indent ? Math.min(Math.max(indent.length, 1), 8) : 2;
  return { insertSpaces: true, tabSize: width, eol };
}

/** A patch validator that applies no defaults: only the keys the caller sent are in the result. */
const patchFields = Object.fromEntries(
  Object.entries(settingsSchema.shape).map(([key, field]) => [key, (field as z.ZodDefault<z.ZodType>).unwrap().optional()]),
);
const strictPatchSchema = z.object(patchFields).strict();

function describePatchIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      if (i.code === 'unrecognized_keys') return `unknown setting ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${i.path.length ? `"${i.path.map(String).join('.')}"` : 'patch'}: ${i.message}`;
    })
    .join('; ');
}

function fsFailure(e: unknown, what: string): Failure {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const mapped: ErrorCode =
    code === 'ENOENT' ? 'NOT_FOUND' : code === 'EACCES' || code === 'EPERM' ? 'PERMISSION_DENIED' : 'IO_ERROR';
  const message = e instanceof Error ? e.message : String(e);
  return err(mapped, `${what}: ${message}`);
}

async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Runs async jobs one at a time, in order. A failed job does not stop the next. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

const recentEntrySchema = z.object({ root: z.string().min(1), name: z.string(), openedAt: z.number() });
const workspaceStateSchema = methods['workspace.setState'].shape.state;
const workspaceStateFileSchema = z.object({ root: z.string(), state: workspaceStateSchema });

interface StateSlot {
  pending: WorkspaceState | null;
  waiters: Array<() => void>;
  timer: NodeJS.Timeout | null;
  writing: Promise<void> | null;
  lastWrite: number;
}

interface FileState {
  /** The text last loaded or saved; null when the file does not exist. */
  text: string | null;
  problems: readonly string[];
}

// -----------------------------------------------------------------------------------------------------
// The service
// -----------------------------------------------------------------------------------------------------

export class SettingsService implements Disposable {
  private current: Settings = DEFAULT_SETTINGS;
  private bindings: readonly Keybinding[] = [];
  private readonly files: { [F in UserFile]: FileState } = {
    settings: { text: null, problems: [] },
    keybindings: { text: null, problems: [] },
  };
  private snap: SettingsSnapshot = { settings: DEFAULT_SETTINGS, keybindings: [], problems: [] };

  /** Serialises every read-modify-write of the user's files (update, writeFile, outside-edit reloads). */
  private readonly userFiles = new Serial();
  private readonly recentFile = new Serial();
  private readonly slots = new Map<string, StateSlot>();
  private watcher: FSWatcher | null = null;
  private readonly reloadTimers = new Map<UserFile, NodeJS.Timeout>();
  private disposed = false;

  private constructor(
    private readonly userDir: string,
    private readonly hub: EventHub,
  ) {}

  static async create(opts: SettingsServiceOptions): Promise<SettingsService> {
    await fs.mkdir(opts.userDir, { recursive: true });
    const service = new SettingsService(opts.userDir, opts.hub);
    await service.loadAtStart('settings');
    await service.loadAtStart('keybindings');
    service.refreshSnapshot();
    service.startWatching();
    return service;
  }

  snapshot(): SettingsSnapshot {
    return this.snap;
  }

  get settings(): Settings {
    return this.current;
  }

  pathOf(file: UserFile): string {
    return join(this.userDir, USER_FILE_NAMES[file]);
  }

  // --- settings.json / keybindings.json ------------------------------------------------------------------

  async update(patch: Partial<Settings>): Promise<Result<SettingsSnapshot>> {
    const parsed = strictPatchSchema.safeParse(patch);
    if (!parsed.success) return err('INVALID_SETTINGS', `Invalid settings: ${describePatchIssues(parsed.error)}`);
    // Only the keys the caller sent: a defaults-filled patch would overwrite the user's other values.
    const keys = Object.keys(patch as object) as Array<keyof Settings>;
    const data = parsed.data as Partial<Settings>;
    if (keys.length === 0) return ok(this.snap);
    return this.userFiles.run(async () => {
      const path = this.pathOf('settings');
      let existing: string | null;
      try {
        existing = await readTextOrNull(path);
      } catch (e) {
        return fsFailure(e, `Could not read ${path}`);
      }
      const original = existing ?? settingsTemplate();
      const hasBom = original.startsWith(BOM);
      let text = hasBom ? original.slice(1) : original;
      const { value, syntax } = parseJsonc(text, USER_FILE_NAMES.settings);
      if (syntax.length > 0) {
        return err('INVALID_SETTINGS', `Fix the syntax errors in settings.json first: ${syntax.join('; ')}`);
      }
      if (value !== undefined && !isPlainObject(value)) {
        return err('INVALID_SETTINGS', 'settings.json does not hold an object like { "workbench.theme": "dark" }: fix it first');
      }
      const formattingOptions = detectFormatting(text);
      for (const key of keys) {
        // undefined removes the key: the setting goes back to its default.
        text = applyEdits(text, modify(text, [key], data[key], { formattingOptions }));
      }
      if (hasBom) text = BOM + text;
      if (text !== existing) {
        try {
          await atomicWrite(path, text);
        } catch (e) {
          return fsFailure(e, `Could not save ${path}`);
        }
      }
      this.apply('settings', text);
      this.announce();
      return ok(this.snap);
    });
  }

  async readFile(file: UserFile): Promise<Result<UserFileContent>> {
    const path = this.pathOf(file);
    let text: string | null;
    try {
      text = await readTextOrNull(path);
    } catch (e) {
      return fsFailure(e, `Could not read ${path}`);
    }
    if (text === null) return ok({ file, path, text: templateFor(file), version: textVersion(null) });
    return ok({ file, path, text, version: textVersion(text) });
  }

  async writeFile(file: UserFile, text: string, expectedVersion: string | null): Promise<Result<UserFileWriteResult>> {
    return this.userFiles.run(async () => {
      const path = this.pathOf(file);
      if (expectedVersion !== null) {
        let onDisk: string | null;
        try {
          onDisk = await readTextOrNull(path);
        } catch (e) {
          return fsFailure(e, `Could not read ${path}`);
        }
        if (textVersion(onDisk) !== expectedVersion) {
          return err(
            'CONFLICT',
            `${USER_FILE_NAMES[file]} changed on disk since it was opened. Reload it, or save again to overwrite it.`,
          );
        }
      }
      // Save first, whatever the content: what the user typed is never lost.
      try {
        await atomicWrite(path, text);
      } catch (e) {
        return fsFailure(e, `Could not save ${path}`);
      }
      this.apply(file, text);
      this.announce();
      return ok({ version: textVersion(text), problems: this.files[file].problems });
    });
  }

  // --- recent projects ------------------------------------------------------------------------------------

  async recent(): Promise<readonly RecentProject[]> {
    return this.recentFile.run(() => this.readRecent());
  }

  async addRecent(root: string, name: string): Promise<void> {
    await this.recentFile.run(async () => {
      const list = await this.readRecent();
      const next: RecentProject[] = [{ root, name, openedAt: Date.now() }, ...list.filter((r) => r.root !== root)].slice(
        0,
        RECENT_MAX,
      );
      await atomicWrite(join(this.userDir, 'recent.json'), `${JSON.stringify(next, null, 2)}\n`);
    });
  }

  private async readRecent(): Promise<RecentProject[]> {
    let text: string | null;
    try {
      text = await readTextOrNull(join(this.userDir, 'recent.json'));
    } catch (e) {
      console.error('[lathe] could not read recent.json', e);
      return [];
    }
    if (text === null) return [];
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return []; // corrupt: the next addRecent rewrites it
    }
    if (!Array.isArray(raw)) return [];
    const seen = new Set<string>();
    const list: RecentProject[] = [];
    for (const item of raw) {
      const parsed = recentEntrySchema.safeParse(item);
      if (!parsed.success || seen.has(parsed.data.root)) continue;
      seen.add(parsed.data.root);
      list.push(parsed.data);
    }
    return list.slice(0, RECENT_MAX);
  }

  // --- per-project state -------------------------------------------------------------------------------------

  private statePath(root: string): string {
    return join(this.userDir, 'workspaces', `${workspaceStateId(root)}.json`);
  }

  async getWorkspaceState(root: string): Promise<WorkspaceState | null> {
    const pending = this.slots.get(root)?.pending;
    if (pending) return pending;
    let text: string | null;
    try {
      text = await readTextOrNull(this.statePath(root));
    } catch {
      return null;
    }
    if (text === null) return null;
    try {
      const parsed = workspaceStateFileSchema.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.root === root ? parsed.data.state : null;
    } catch {
      return null;
    }
  }

  /**
   * Coalesced: the first call writes at once, later calls within STATE_WRITE_INTERVAL_MS are merged into one
   * trailing write of the last state. Resolves once a write including `state` is done (or failed: logged).
   */
  setWorkspaceState(root: string, state: WorkspaceState): Promise<void> {
    if (this.disposed) return this.writeState(root, state);
    let slot = this.slots.get(root);
    if (!slot) {
      slot = { pending: null, waiters: [], timer: null, writing: null, lastWrite: 0 };
      this.slots.set(root, slot);
    }
    slot.pending = state;
    const done = new Promise<void>((resolve) => slot.waiters.push(resolve));
    this.schedule(root, slot);
    return done;
  }

  private schedule(root: string, slot: StateSlot): void {
    if (slot.timer || slot.writing || !slot.pending || this.disposed) return;
    const delay = Math.max(0, slot.lastWrite + STATE_WRITE_INTERVAL_MS - Date.now());
    slot.timer = setTimeout(() => {
      slot.timer = null;
      void this.flushSlot(root, slot);
    }, delay);
  }

  private async flushSlot(root: string, slot: StateSlot): Promise<void> {
    if (slot.writing) await slot.writing;
    const state = slot.pending;
    if (!state) return;
    const waiters = slot.waiters;
    slot.pending = null;
    slot.waiters = [];
    slot.writing = this.writeState(root, state).finally(() => {
      slot.lastWrite = Date.now();
      slot.writing = null;
      for (const resolve of waiters) resolve();
      this.schedule(root, slot);
    });
    await slot.writing;
  }

  private async writeState(root: string, state: WorkspaceState): Promise<void> {
    try {
      await fs.mkdir(join(this.userDir, 'workspaces'), { recursive: true });
      await atomicWrite(this.statePath(root), `${JSON.stringify({ root, savedAt: Date.now(), state }, null, 2)}\n`);
    } catch (e) {
      console.error(`[lathe] could not save the state of ${root}`, e);
    }
  }

  // --- per-project interpreter ---------------------------------------------------------------------------------

  private interpreterPath(root: string): string {
    return join(this.userDir, 'workspaces', `${workspaceStateId(root)}.interpreter.json`);
  }

  /** The interpreter the user chose for this project, or null. */
  async getProjectInterpreter(root: string): Promise<string | null> {
    try {
      const text = await readTextOrNull(this.interpreterPath(root));
      if (text === null) return null;
      const parsed = z.object({ root: z.string(), python: z.string().min(1) }).safeParse(JSON.parse(text));
      return parsed.success && parsed.data.root === root ? parsed.data.python : null;
    } catch {
      return null;
    }
  }

  async setProjectInterpreter(root: string, python: string): Promise<void> {
    await fs.mkdir(join(this.userDir, 'workspaces'), { recursive: true });
    await atomicWrite(this.interpreterPath(root), `${JSON.stringify({ root, python }, null, 2)}\n`);
  }

  // --- lifecycle ---------------------------------------------------------------------------------------------

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.watcher?.close();
    this.watcher = null;
    for (const timer of this.reloadTimers.values()) clearTimeout(timer);
    this.reloadTimers.clear();
    const flushes: Promise<void>[] = [];
    for (const [root, slot] of this.slots) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      flushes.push(this.flushSlot(root, slot));
    }
    await Promise.all(flushes);
    await this.userFiles.idle();
    await this.recentFile.idle();
  }

  // --- internals ---------------------------------------------------------------------------------------------

  private async loadAtStart(file: UserFile): Promise<void> {
    try {
      this.apply(file, await readTextOrNull(this.pathOf(file)));
    } catch (e) {
      this.files[file] = {
        text: null,
        problems: [`${USER_FILE_NAMES[file]}: could not be read (${e instanceof Error ? e.message : String(e)}); defaults are used`],
      };
    }
  }

  /** Validate `text` as the new content of `file` and apply what is valid; problems are kept per file. */
  private apply(file: UserFile, text: string | null): void {
    const name = USER_FILE_NAMES[file];
    if (text === null) {
      if (file === 'settings') this.current = DEFAULT_SETTINGS;
      else this.bindings = [];
      this.files[file] = { text: null, problems: [] };
      this.refreshSnapshot();
      return;
    }
    const { value, syntax } = parseJsonc(text, name);
    let problems: string[];
    if (syntax.length > 0) {
      // Mid-edit or broken: keep the last valid values for the whole file.
      problems = [...syntax];
    } else if (file === 'settings') {
      problems = this.applySettings(value);
    } else {
      problems = this.applyKeybindings(value);
    }
    this.files[file] = { text, problems };
    this.refreshSnapshot();
  }

  private applySettings(value: unknown): string[] {
    const name = USER_FILE_NAMES.settings;
    if (value === undefined) {
      this.current = DEFAULT_SETTINGS;
      return [];
    }
    const { settings, problems } = validateSettings(value, name);
    if (!isPlainObject(value)) return problems; // keep the last valid settings
    const shape = settingsSchema.shape as Record<string, z.ZodType>;
    const merged: Record<string, unknown> = { ...settings };
    for (const [key, raw] of Object.entries(value)) {
      const field = shape[key];
      // An invalid value keeps the last valid one rather than falling back to the default.
      if (field && !field.safeParse(raw).success) merged[key] = this.current[key as keyof Settings];
    }
    this.current = merged as unknown as Settings;
    return problems;
  }

  private applyKeybindings(value: unknown): string[] {
    if (value === undefined) {
      this.bindings = [];
      return [];
    }
    const { keybindings, problems } = validateKeybindings(value, USER_FILE_NAMES.keybindings);
    if (Array.isArray(value)) this.bindings = keybindings; // else keep the last valid list
    return problems;
  }

  private refreshSnapshot(): void {
    this.snap = {
      settings: this.current,
      keybindings: this.bindings,
      problems: [...this.files.settings.problems, ...this.files.keybindings.problems],
    };
  }

  private announce(): void {
    if (!this.disposed) this.hub.emit('settings.changed', this.snap);
  }

  private startWatching(): void {
    try {
      this.watcher = watch(this.userDir, { persistent: false }, (_event, filename) => {
        const name = filename?.toString();
        if (!name) {
          // Some platforms do not say which file: look at both.
          this.scheduleReload('settings');
          this.scheduleReload('keybindings');
        } else if (name === USER_FILE_NAMES.settings) {
          this.scheduleReload('settings');
        } else if (name === USER_FILE_NAMES.keybindings) {
          this.scheduleReload('keybindings');
        }
      });
      this.watcher.on('error', (e) => {
        console.error(`[lathe] stopped watching ${this.userDir}`, e);
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (e) {
      console.error(`[lathe] cannot watch ${this.userDir}; outside edits to settings are not picked up`, e);
    }
  }

  private scheduleReload(file: UserFile): void {
    if (this.disposed) return;
    const previous = this.reloadTimers.get(file);
    if (previous) clearTimeout(previous);
    this.reloadTimers.set(
      file,
      setTimeout(() => {
        this.reloadTimers.delete(file);
        void this.userFiles.run(() => this.reloadFromDisk(file));
      }, WATCH_DEBOUNCE_MS),
    );
  }

  private async reloadFromDisk(file: UserFile): Promise<void> {
    if (this.disposed) return;
    let text: string | null;
    try {
      text = await readTextOrNull(this.pathOf(file));
    } catch (e) {
      console.error(`[lathe] could not reload ${this.pathOf(file)}`, e);
      return;
    }
    if (text === this.files[file].text) return; // our own write, or a touch without change
    this.apply(file, text);
    this.announce();
  }
}
