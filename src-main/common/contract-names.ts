/**
 * The contract's method and event NAMES, with no runtime dependencies: the sandboxed preload imports this
 * (and only this) so that zod and the schemas stay out of its bundle.
 *
 * The lists are checked against the contract both ways: `satisfies` rejects a name the contract does not
 * declare, and the `Complete` checks below reject a contract name missing from a list.
 * Pure: no node:*, no electron.
 */
import type { EventName, MethodName } from './contract';

export const methodNameList = [
  'app.info',
  'app.pickFolder',
  'workspace.open',
  'workspace.current',
  'workspace.close',
  'workspace.recent',
  'workspace.list',
  'workspace.read',
  'workspace.write',
  'workspace.create',
  'workspace.rename',
  'workspace.delete',
  'workspace.findFiles',
  'workspace.getState',
  'workspace.setState',
  'interpreters.list',
  'interpreters.probe',
  'interpreters.selected',
  'interpreters.select',
  'sessions.list',
  'sessions.start',
  'sessions.stop',
  'sessions.restart',
  'sessions.restartHost',
  'sessions.rename',
  'sessions.execute',
  'sessions.interrupt',
  'sessions.input',
  'sessions.resize',
  'sessions.attach',
  'sessions.detach',
  'sessions.ack',
  'sessions.variables',
  'sessions.history',
  'notebooks.open',
  'notebooks.create',
  'notebooks.save',
  'notebooks.autosave',
  'notebooks.discardRecovery',
  'notebooks.bind',
  'notebooks.execute',
  'notebooks.runs',
  'models.inspect',
  'models.initializer',
  'models.eps',
  'models.installGpu',
  'models.run',
  'models.benchmark',
  'models.cancel',
  'models.restartRunner',
  'models.saveOutput',
  'models.release',
  'models.benchmarks',
  'profiles.capture',
  'profiles.list',
  'profiles.open',
  'grads.history',
  'grads.export',
  'settings.get',
  'settings.update',
  'settings.readFile',
  'settings.writeFile',
] as const satisfies readonly MethodName[];

export const eventNameList = [
  'workspace.opened',
  'workspace.changed',
  'workspace.branch',
  'settings.changed',
  'app.message',
  'app.command',
  'sessions.changed',
  'sessions.removed',
  'sessions.data',
  'sessions.run',
  'sessions.output',
  'sessions.inputRequest',
  'sessions.variables',
  'sessions.host',
  'models.progress',
  'models.install',
  'models.runner',
  'grads.batch',
] as const satisfies readonly EventName[];

/** Fails to compile, naming the missing names, when a list lacks one of the contract's names. */
type Complete<Missing extends never> = Missing;
export type MethodNameListIsComplete = Complete<Exclude<MethodName, (typeof methodNameList)[number]>>;
export type EventNameListIsComplete = Complete<Exclude<EventName, (typeof eventNameList)[number]>>;

const eventNameSet: ReadonlySet<string> = new Set<string>(eventNameList);

export function isKnownEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventNameSet.has(name);
}

/** The IPC channel of a method or event. Same format as contract.ts's `ipcChannel` (a test keeps them equal). */
export const ipcChannel = (name: MethodName | EventName): string => `lathe:${name}`;
