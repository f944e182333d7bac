/**
 * User settings and keybindings: their schemas, defaults, and the validation that turns a user's file
 * into values plus a list of problems in words. Pure: used by the core (to validate on save) and the
 * renderer (for defaults and types).
 */
import { z } from 'zod';

export const DEFAULT_EXCLUDES = ['.git', 'node_modules', '__pycache__', '.venv', '.DS_Store', '.lathe-tmp-*'];

export const settingsSchema = z
  .object({
    /** 'system' follows the OS (prefers-color-scheme). */
    'workbench.theme': z.enum(['system', 'light', 'dark']).default('system'),
    /** Glob patterns (picomatch, matched against each entry's name and project-relative path). */
    'files.exclude': z.array(z.string().min(1)).default(DEFAULT_EXCLUDES),
    'editor.fontSize': z.number().int().min(6).max(72).default(13),
    'editor.tabSize': z.number().int().min(1).max(16).default(4),
    'editor.wordWrap': z.enum(['off', 'on']).default('off'),
    'editor.minimap': z.boolean().default(false),
    'editor.fontFamily': z.string().max(200).default("'JetBrains Mono', 'Fira Code', Menlo, Consolas, 'DejaVu Sans Mono', monospace"),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;

/** A partial update: only the keys sent, validated, with no defaults filled in (they would overwrite the user's values). */
export const settingsPatchSchema = z
  .object(Object.fromEntries(Object.entries(settingsSchema.shape).map(([key, field]) => [key, field.unwrap().optional()])))
  .strict() as unknown as z.ZodType<Partial<Settings>>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** A key chord such as `ctrl+shift+p`, `alt+enter`, `f2` (modifiers: ctrl, shift, alt, meta). */
export const keyChordSchema = z
  .string()
  .regex(/^((ctrl|shift|alt|meta|cmd)\+)*([a-z0-9]|f[0-9]{1,2}|enter|escape|tab|space|backspace|delete|up|down|left|right|home|end|pageup|pagedown|[`\-=[\];',./\\])$/i, {
    message: 'a key looks like "ctrl+shift+p", "alt+enter" or "f2"',
  });

export const keybindingSchema = z
  .object({
    key: keyChordSchema,
    /** A command id; prefix with '-' to remove that command's default binding. */
    command: z.string().min(1).max(200),
  })
  .strict();

export type Keybinding = z.infer<typeof keybindingSchema>;

export const keybindingsSchema = z.array(keybindingSchema);

/** Describe zod issues in words a person understands: `"editor.fontSize": expected number`. */
export function describeIssues(error: z.ZodError, file: string): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `${file}: ${where}: ${issue.message}`;
  });
}

/**
 * Validate parsed user settings. Unknown keys are reported, invalid values are reported and the
 * defaults are used for them: one bad value never discards the others.
 */
export function validateSettings(raw: unknown, file = 'settings.json'): { settings: Settings; problems: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { settings: DEFAULT_SETTINGS, problems: [`${file}: expected an object like { "workbench.theme": "dark" }`] };
  }
  const problems: string[] = [];
  const good: Record<string, unknown> = {};
  const shape = settingsSchema.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(raw)) {
    const field = shape[key];
    if (!field) {
      problems.push(`${file}: unknown setting "${key}"`);
      continue;
    }
    const parsed = field.safeParse(value);
    if (parsed.success) good[key] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => `${file}: "${key}": ${i.message}`));
  }
  return { settings: settingsSchema.parse(good), problems };
}

export function validateKeybindings(raw: unknown, file = 'keybindings.json'): { keybindings: Keybinding[]; problems: string[] } {
  if (!Array.isArray(raw)) {
    return { keybindings: [], problems: [`${file}: expected an array like [{ "key": "ctrl+k", "command": "..." }]`] };
  }
  const problems: string[] = [];
  const keybindings: Keybinding[] = [];
  raw.forEach((item, index) => {
    const parsed = keybindingSchema.safeParse(item);
    if (parsed.success) keybindings.push(parsed.data);
    else problems.push(...parsed.error.issues.map((i) => `${file}: [${index}]${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`));
  });
  return { keybindings, problems };
}
