import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventNames, events, isEventName, isMethodName, methodNames, methods, type ArgsOf, type MethodName } from './contract';
import { dispatch } from './dispatch';
import { ok } from './result';

describe('the contract shape table', () => {
  it('lists every method once, grouped by domain', () => {
    expect(new Set(methodNames).size).toBe(methodNames.length);
    for (const name of methodNames) expect(name).toMatch(/^(app|workspace|settings|interpreters|sessions|notebooks|models|profiles|grads)\.[a-z][A-Za-z]+$/);
    expect(methodNames).toContain('workspace.read');
    expect(isMethodName('workspace.read')).toBe(true);
    expect(isMethodName('toString')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
  });

  it('lists every event once', () => {
    expect(new Set(eventNames).size).toBe(eventNames.length);
    expect(Object.keys(events)).toEqual(eventNames);
    expect(isEventName('workspace.changed')).toBe(true);
    expect(isEventName('constructor')).toBe(false);
  });

  it('fails the type check when a method is missing or extra (compile-time guarantee)', () => {
    type Table = { [M in MethodName]: z.ZodType<ArgsOf<M>> };
    const { 'app.info': _dropped, ...missing } = methods;
    // @ts-expect-error a table without 'app.info' does not satisfy the contract
    const incomplete: Table = missing;
    // @ts-expect-error an extra method not declared in Api is refused
    const extra: Table = { ...methods, 'workspace.format': z.object({}) } satisfies Table;
    expect(incomplete).toBeDefined();
    expect(extra).toBeDefined();
  });

  const valid: { [M in MethodName]?: ArgsOf<M> } = {
    'app.info': {},
    'workspace.open': { root: '/home/me/project' },
    'workspace.list': { path: '' },
    'workspace.write': { path: 'a.py', text: 'x', encoding: 'utf8', bom: false, eol: '\r\n', expectedVersion: null },
    'workspace.findFiles': { query: 'tr', limit: 50 },
    'settings.update': { patch: { 'workbench.theme': 'dark' } },
  };

  it('accepts well-formed arguments', () => {
    for (const [name, args] of Object.entries(valid)) {
      expect(methods[name as MethodName].safeParse(args).success, name).toBe(true);
    }
  });

  it('refuses malformed arguments', () => {
    expect(methods['app.info'].safeParse({ extra: 1 }).success).toBe(false);
    expect(methods['workspace.list'].safeParse({}).success).toBe(false);
    expect(methods['workspace.write'].safeParse({ ...valid['workspace.write'], eol: '\r' }).success).toBe(false);
    expect(methods['workspace.findFiles'].safeParse({ query: '', limit: 0 }).success).toBe(false);
    expect(methods['settings.update'].safeParse({ patch: { 'workbench.theme': 'purple' } }).success).toBe(false);
  });
});

describe('dispatch', () => {
  const handlers = Object.fromEntries(methodNames.map((m) => [m, async (args: unknown) => ok({ method: m, args })])) as never;

  it('routes a valid call to its handler with parsed arguments', async () => {
    expect(await dispatch(handlers, 'workspace.list', { path: 'src' })).toEqual(ok({ method: 'workspace.list', args: { path: 'src' } }));
  });

  it('turns unknown methods and invalid arguments into Result failures', async () => {
    expect(await dispatch(handlers, 'rm -rf', {})).toMatchObject({ ok: false, code: 'UNKNOWN_METHOD' });
    expect(await dispatch(handlers, 42, {})).toMatchObject({ ok: false, code: 'UNKNOWN_METHOD' });
    const bad = await dispatch(handlers, 'workspace.read', { path: 7 });
    expect(bad).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(bad.ok ? '' : bad.message).toMatch(/path/);
  });
});

describe('settings.update arguments', () => {
  it('keep only the keys sent (no defaults filled in)', () => {
    const parsed = methods['settings.update'].safeParse({ patch: { 'editor.minimap': true } });
    expect(parsed.success && parsed.data).toEqual({ patch: { 'editor.minimap': true } });
  });
});

describe('settings defaults', () => {
  it('are what the schema fills in for an empty file', async () => {
    const { settingsSchema, DEFAULT_SETTINGS } = await import('./settings-schema');
    expect(settingsSchema.parse({})).toEqual(DEFAULT_SETTINGS);
  });
});
