/**
 * The composition root: builds the core services with their seams and exposes them as the contract's
 * handlers plus one event hub. Hosts (Electron, server) only carry calls and events; they hold no state.
 */
import type { AppInfo, Handlers, ProjectInfo } from '../common/contract';
import { DisposableStore } from '../common/disposable';
import { err, ok, type Result } from '../common/result';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EventHub } from './event-hub';
import { gradsCsv, gradsJson } from './grads/grad-export';
import { GradStore } from './grads/grad-store';
import { ModelService } from './models/model-service';
import { atomicWrite } from './workspace/atomic-write';
import { resolveInProject } from './workspace/confine';
import { NotebookService } from './notebooks/notebook-service';
import { resourcesDir } from './resources';
import { InterpreterService } from './sessions/interpreter-service';
import { SessionService } from './sessions/session-service';
import { SettingsService } from './settings/settings-service';
import { WorkspaceService } from './workspace/workspace-service';

export interface WorkbenchOptions {
  readonly host: AppInfo['host'];
  readonly version: string;
  readonly userDir: string;
  /** The host's native folder picker, where it has one. */
  readonly pickFolder?: () => Promise<string | null>;
  /** A folder to open at start (`lathe <folder>`, `lathe serve <folder>`). */
  readonly folder?: string;
  /** The built pty host (out/main/pty-host.js), which the host's entry knows the place of. */
  readonly ptyHostEntry: string;
  /** The built onnx runner (out/main/onnx-runner.js). */
  readonly onnxRunnerEntry: string;
}

export interface Workbench {
  readonly handlers: Handlers;
  readonly hub: EventHub;
  readonly workspace: WorkspaceService;
  readonly settings: SettingsService;
  readonly sessions: SessionService;
  readonly interpreters: InterpreterService;
  readonly notebooks: NotebookService;
  readonly models: ModelService;
  /** The outcome of opening `options.folder`, for the host to report; null when none was given. */
  readonly openedAtStart: Result<ProjectInfo> | null;
  dispose(): Promise<void>;
}

export async function createWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const store = new DisposableStore();
  const hub = new EventHub();
  const settings = store.add(await SettingsService.create({ userDir: options.userDir, hub }));
  const workspace = store.add(
    new WorkspaceService({ hub, excludes: () => settings.settings['files.exclude'] }),
  );
  const projectRoot = () => workspace.current()?.root ?? null;
  const interpreters = new InterpreterService(settings, projectRoot);
  const python = join(resourcesDir(), 'python');
  const grads = store.add(new GradStore(hub));
  const sessions = store.add(
    new SessionService({
      hub,
      grads,
      ptyHostEntry: options.ptyHostEntry,
      driver: join(python, 'lathe_driver.py'),
      pythonPath: python,
      projectRoot,
      defaultPython: () => interpreters.defaultPython(),
    }),
  );
  const notebooks = new NotebookService({
    workspace,
    sessions,
    userDir: options.userDir,
    pythonVersion: async (given) => {
      const path = given ?? (await interpreters.defaultPython());
      if (!path) return null;
      const known = (await interpreters.list()).find((i) => i.path === path);
      return (known ?? (await interpreters.probe(path))).version;
    },
  });
  const models = store.add(new ModelService({ hub, runnerEntry: options.onnxRunnerEntry, projectRoot }));
  let lastExcludes = settings.settings['files.exclude'];
  store.add(
    hub.subscribe((event, payload) => {
      if (event !== 'settings.changed') return;
      const next = (payload as { settings: typeof settings.settings }).settings['files.exclude'];
      if (JSON.stringify(next) !== JSON.stringify(lastExcludes)) {
        lastExcludes = next;
        workspace.excludesChanged();
      }
    }),
  );

  const info: AppInfo = {
    name: 'Lathe',
    version: options.version,
    host: options.host,
    platform: process.platform,
    userDir: options.userDir,
    capabilities: { nativeFolderDialog: options.pickFolder !== undefined },
  };

  const open = async (root: string) => {
    const opened = await workspace.open(root);
    if (opened.ok) await settings.addRecent(opened.value.root, opened.value.name);
    return opened;
  };

  const handlers: Handlers = {
    'app.info': async () => ok(info),
    'app.pickFolder': async () =>
      options.pickFolder
        ? ok(await options.pickFolder())
        : err('UNAVAILABLE', 'This host has no folder dialog: type the folder path instead.'),

    'workspace.open': async ({ root }) => open(root),
    'workspace.current': async () => ok(workspace.current()),
    'workspace.close': async () => ok(await workspace.close()),
    'workspace.recent': async () => ok(await settings.recent()),
    'workspace.list': async ({ path, offset, limit }) => workspace.list(path, offset, limit),
    'workspace.read': async ({ path }) => workspace.read(path),
    'workspace.write': async (args) => workspace.write(args),
    'workspace.create': async ({ path, kind }) => workspace.create(path, kind),
    'workspace.rename': async ({ from, to }) => workspace.rename(from, to),
    'workspace.delete': async ({ path }) => workspace.delete(path),
    'workspace.findFiles': async ({ query, limit }) => workspace.findFiles(query, limit),
    'workspace.getState': async () => {
      const project = workspace.current();
      return ok(project ? await settings.getWorkspaceState(project.root) : null);
    },
    'workspace.setState': async ({ state }) => {
      const project = workspace.current();
      if (!project) return err('NO_PROJECT', 'Open a folder first');
      await settings.setWorkspaceState(project.root, state);
      return ok();
    },

    'interpreters.list': async ({ refresh }) => ok(await interpreters.list(refresh)),
    'interpreters.probe': async ({ path }) => ok(await interpreters.probe(path)),
    'interpreters.selected': async () => ok(await interpreters.selected()),
    'interpreters.select': async ({ path }) => interpreters.select(path),

    'sessions.list': async () => ok(sessions.list()),
    'sessions.start': async (args) => sessions.start(args),
    'sessions.stop': async ({ id }) => sessions.stop(id),
    'sessions.restart': async ({ id }) => sessions.restart(id),
    'sessions.restartHost': async () => ok(sessions.restartHost()),
    'sessions.rename': async ({ id, name }) => sessions.rename(id, name),
    'sessions.execute': async ({ id, code, ...opts }) => {
      const run = sessions.execute(id, code, opts);
      return run.ok ? ok({ runId: run.value.runId }) : run;
    },
    'sessions.interrupt': async ({ id }) => sessions.interrupt(id),
    'sessions.input': async ({ id, data }) => sessions.input(id, data),
    'sessions.resize': async ({ id, cols, rows }) => sessions.resize(id, cols, rows),
    'sessions.attach': async ({ id }) => sessions.attach(id),
    'sessions.detach': async ({ viewerId }) => sessions.detach(viewerId),
    'sessions.ack': async ({ viewerId, seq }) => sessions.ack(viewerId, seq),
    'sessions.variables': async ({ id }) => sessions.refreshVariables(id),
    'sessions.history': async ({ id }) => sessions.history(id),

    'notebooks.open': async ({ path }) => notebooks.open(path),
    'notebooks.create': async ({ path, python }) => notebooks.create(path, python),
    'notebooks.save': async ({ path, notebook, expectedVersion }) => notebooks.save(path, notebook, expectedVersion),
    'notebooks.autosave': async ({ path, notebook }) => notebooks.autosave(path, notebook),
    'notebooks.discardRecovery': async ({ path }) => notebooks.discardRecovery(path),
    'notebooks.bind': async ({ path, sessionId }) => notebooks.bind(path, sessionId),
    'notebooks.execute': async ({ path, sessionId, cellId, code, profile }) => notebooks.execute(path, sessionId, cellId, code, profile ? { profile } : {}),
    'notebooks.runs': async ({ path }) => notebooks.runs(path),

    'models.inspect': async ({ path }) => models.inspect(path),
    'models.initializer': async ({ path, name }) => models.initializer(path, name),
    'models.eps': async ({ refresh }) => models.eps(refresh),
    'models.installGpu': async () => models.installGpu(),
    'models.run': async ({ path, config, inputs }) => models.run(path, config, inputs),
    'models.benchmark': async ({ path, config, inputs, warmup, runs, budgetMs }) => models.benchmark(path, config, inputs, { warmup, runs, budgetMs }),
    'models.cancel': async ({ path }) => models.cancel(path),
    'models.restartRunner': async () => ok(models.restartRunner()),
    'models.saveOutput': async ({ runId, output, format, path }) => models.saveOutput(runId, output, format, path),
    'models.release': async ({ path }) => models.release(path),
    'models.benchmarks': async () => models.benchmarks(),
    'profiles.capture': async ({ path, config, inputs, warmup, runs }) => models.profile(path, config, inputs, warmup, runs),
    'profiles.list': async () => models.profiles(),
    'grads.history': async ({ sessionId }) => ok(grads.history(sessionId)),
    'grads.export': async ({ sessionId, watch, format, path }) => {
      const root = projectRoot();
      if (!root) return err('NO_PROJECT', 'Open a folder first');
      const at = await resolveInProject(root, path);
      if (!at.ok) return at;
      const h = grads.history(sessionId);
      try {
        await mkdir(dirname(at.value.abs), { recursive: true });
        await atomicWrite(at.value.abs, format === 'csv' ? gradsCsv(h, watch) : gradsJson(h, watch));
      } catch (e) {
        return err('IO_ERROR', `Could not write ${path}: ${(e as Error).message}`);
      }
      return ok();
    },
    'profiles.open': async ({ path }) => models.openProfile(path),

    'settings.get': async () => ok(settings.snapshot()),
    'settings.update': async ({ patch }) => settings.update(patch),
    'settings.readFile': async ({ file }) => settings.readFile(file),
    'settings.writeFile': async ({ file, text, expectedVersion }) => settings.writeFile(file, text, expectedVersion),
  };

  const openedAtStart = options.folder !== undefined ? await open(options.folder) : null;

  return {
    handlers,
    hub,
    workspace,
    settings,
    sessions,
    interpreters,
    notebooks,
    models,
    openedAtStart,
    dispose: () => store.dispose(),
  };
}
