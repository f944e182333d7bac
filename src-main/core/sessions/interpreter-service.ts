/**
 * The project's interpreters: discovery (cached per project, refreshed on demand), the choice remembered
 * per project, and the default a new session gets when nothing was chosen.
 */
import type { Interpreter } from '../../common/contract';
import { err, ok, type Result } from '../../common/result';
import type { SettingsService } from '../settings/settings-service';
import { discoverInterpreters, probeInterpreter } from './interpreters';

/** Which working interpreter a session gets when the project has no choice: the project's venv, else the
 * active conda env, else the one a terminal would run (`python3` on PATH), else the system's. */
const DEFAULT_ORDER: readonly Interpreter['source'][] = ['venv', 'conda', 'path', 'system', 'pyenv', 'custom'];

export class InterpreterService {
  private cache: { root: string | null; list: Promise<Interpreter[]> } | null = null;

  constructor(
    private readonly settings: SettingsService,
    private readonly projectRoot: () => string | null,
  ) {}

  list(refresh = false): Promise<Interpreter[]> {
    const root = this.projectRoot();
    if (refresh || !this.cache || this.cache.root !== root) {
      this.cache = { root, list: discoverInterpreters({ projectRoot: root }) };
    }
    return this.cache.list;
  }

  probe(path: string): Promise<Interpreter> {
    return probeInterpreter(path, { source: 'custom' });
  }

  async selected(): Promise<string | null> {
    const root = this.projectRoot();
    return root ? this.settings.getProjectInterpreter(root) : null;
  }

  async select(path: string): Promise<Result<Interpreter>> {
    const root = this.projectRoot();
    if (!root) return err('NO_PROJECT', 'Open a folder first: the interpreter is remembered per project');
    const known = (await this.list()).find((i) => i.path === path);
    const interpreter = known ?? (await this.probe(path));
    if (interpreter.problem) return err('PYTHON_NOT_FOUND', interpreter.problem);
    await this.settings.setProjectInterpreter(root, path);
    return ok(interpreter);
  }

  /** The chosen interpreter, or the best working one found; null when there is none. */
  async defaultPython(): Promise<string | null> {
    const chosen = await this.selected();
    if (chosen) return chosen;
    return pickDefaultInterpreter(await this.list());
  }
}

/** The best working interpreter of a discovered list (see DEFAULT_ORDER); null when none works. */
export function pickDefaultInterpreter(list: readonly Interpreter[], env: NodeJS.ProcessEnv = process.env): string | null {
  const working = list.filter((i) => i.problem === null);
  const rank = (i: Interpreter) => {
    if (i.source === 'conda' && env.CONDA_PREFIX && i.path.startsWith(env.CONDA_PREFIX)) return -1;
    return DEFAULT_ORDER.indexOf(i.source);
  };
  return [...working].sort((a, b) => rank(a) - rank(b))[0]?.path ?? null;
}
