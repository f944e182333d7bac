/**
 * User settings and keybindings: their schemas, defaults, and the validation that turns a user's file
 * into values plus a list of problems in words. Pure: used by the core (to validate on save) and the
 * renderer (for defaults and types).
 */
import { z } from 'zod';
import { DEFAULT_SETTINGS, type Keybinding, type Settings } from './settings-defaults';

const D = DEFAULT_SETTINGS;

export { DEFAULT_EXCLUDES, DEFAULT_SETTINGS, type Keybinding, type Settings } from './settings-defaults';

export const settingsSchema = z
  .object({
    'workbench.theme': z.enum(['system', 'light', 'dark']).default(D['workbench.theme']),
    'files.exclude': z.array(z.string().min(1)).default(D['files.exclude']),
    'editor.fontSize': z.number().int().min(6).max(72).default(D['editor.fontSize']),
    'editor.tabSize': z.number().int().min(1).max(16).default(D['editor.tabSize']),
    'editor.wordWrap': z.enum(['off', 'on']).default(D['editor.wordWrap']),
    'editor.minimap': z.boolean().default(D['editor.minimap']),
    'editor.fontFamily': z.string().max(200).default(D['editor.fontFamily']),
    'gradients.vanishingNorm': z.number().positive().max(1).default(D['gradients.vanishingNorm']),
    'gradients.vanishingSteps': z.number().int().min(1).max(10_000).default(D['gradients.vanishingSteps']),
    'gradients.explodingNorm': z.number().positive().default(D['gradients.explodingNorm']),
    'gradients.jumpFactor': z.number().gt(1).max(1e12).default(D['gradients.jumpFactor']),
  })
  .strict() satisfies z.ZodType<Settings>;

/** A partial update: only the keys sent, validated, with no defaults filled in (they would overwrite the user's values). */
export const settingsPatchSchema = z
  .object(Object.fromEntries(Object.entries(settingsSchema.shape).map(([key, field]) => [key, field.unwrap().optional()])))
  .strict() as unknown as z.ZodType<Partial<Settings>>;


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
  .strict() satisfies z.ZodType<Keybinding>;


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
