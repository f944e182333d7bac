/**
 * The `lathe` command. Runs under plain Node (never imports electron).
 *   lathe [folder]                      open the folder in the Lathe app (Electron)
 *   lathe serve [folder] [--port N] [--host ADDR]
 *                                       serve Lathe to a browser on 127.0.0.1 (or ADDR, with a warning) with a token
 *   lathe nb run <in.ipynb> [-o out]    execute a notebook headless (nb-run.ts)
 *   lathe run|bench <model.onnx>        run or benchmark an ONNX model (model-cli.ts)
 *   lathe profile <model.onnx>          profile it per op (model-cli.ts)
 */
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { createWorkbench } from '../core/workbench';
import { defaultUserDir } from '../core/settings/user-dir';
import { startServer } from '../server/server';
import { BIND_HOST_ENV, beyondLoopbackWarning, chooseBindHost, hostForUrl } from '../server/bind-address';
import { modelCommand } from './model-cli';
import { nbCommand } from './nb-run';
import { launchApp } from './open-app';

const HELP = `Lathe ${version}: a workbench for Python ML engineers.

Usage:
  lathe [folder]                     Open a folder in the Lathe desktop app.
  lathe serve [folder] [--port N] [--host ADDR]
                                     Serve Lathe to your browser on 127.0.0.1.
                                     Prints a URL with a one-time token; open it.
                                     --port 0 picks a free port (default ${7780}).
                                     --host ADDR listens on another IP address.
                                     Beyond loopback (0.0.0.0, ::, a LAN address)
                                     the token is the only protection and the
                                     traffic is plain HTTP: it warns. Prefer the
                                     default and an SSH tunnel.
  lathe nb run <notebook.ipynb> [-o out.ipynb] [--python PATH] [--timeout S]
               [--allow-errors] [--record-timing]
                                     Run every code cell in a fresh Python session
                                     and write the notebook with its outputs
                                     (default: <name>.out.ipynb). "lathe nb --help"
                                     for details.
  lathe run <model.onnx> [--ep cpu,cuda] [--input NAME=SOURCE] [--json]
                                     Run the model once; print its outputs and
                                     which EP ran the nodes. "lathe run --help"
  lathe bench <model.onnx> [--ep cpu] [--warmup 10] [--runs 100] [--json]
                                     Benchmark it (p50…p999, throughput) and write
                                     a record to .lathe/benchmarks/. "lathe bench --help"
  lathe profile <model.onnx> [--ep cpu] [--runs 50] [-o trace.json]
                                     Profile it per op (onnxruntime's profiler); print
                                     the op types and slowest nodes, save the trace
                                     in .lathe/profiles/. "lathe profile --help"
  lathe --help                       Show this help.
  lathe --version                    Show the version.

Environment:
  LATHE_USER_DIR    where settings, keybindings and recent projects live
                    (default: ~/.config/lathe on Linux)
  ${BIND_HOST_ENV}        another loopback address for "lathe serve" (127.0.0.1 by
                    default); a non-loopback one is refused: only the --host
                    flag leaves loopback
`;

export const DEFAULT_PORT = 7780;

async function serve(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) {
    process.stderr.write(`lathe serve: one folder at most (got ${positionals.length})\n`);
    return 2;
  }
  const requested = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    process.stderr.write(`lathe serve: --port must be a number from 0 to 65535 (got "${values.port}")\n`);
    return 2;
  }
  const bind = chooseBindHost(values.host, process.env);
  if (!bind.ok) {
    process.stderr.write(`lathe serve: ${bind.message}\n`);
    return 2;
  }
  const { host, beyondLoopback } = bind.value;
  const folder = positionals[0] === undefined ? undefined : resolve(positionals[0]);
  const workbench = await createWorkbench({
    host: 'server',
    version,
    userDir: defaultUserDir(),
    // Children are built next to this entry (out/main/).
    ptyHostEntry: join(__dirname, 'pty-host.js'),
    onnxRunnerEntry: join(__dirname, 'onnx-runner.js'),
    ...(folder !== undefined ? { folder } : {}),
  });
  if (workbench.openedAtStart && !workbench.openedAtStart.ok) {
    process.stderr.write(`lathe serve: ${workbench.openedAtStart.message}\n`);
    await workbench.dispose();
    return 2;
  }
  const staticDir = join(__dirname, '..', 'renderer');
  let server;
  try {
    server = await startServer({ workbench, staticDir, port: requested, host, beyondLoopback });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || values.port !== undefined) {
      process.stderr.write(`lathe serve: cannot listen on ${hostForUrl(host)}:${requested}: ${(e as Error).message}\n`);
      await workbench.dispose();
      return 2;
    }
    server = await startServer({ workbench, staticDir, port: 0, host, beyondLoopback });
  }
  if (beyondLoopback) process.stderr.write(beyondLoopbackWarning(host, server.port, server.allowedHosts));
  const project = workbench.workspace.current();
  process.stdout.write(
    `Lathe ${version} is serving ${project ? project.root : '(no folder yet: open one from the page)'}\n` +
      `Open this URL in your browser (it carries the access token):\n\n  ${server.url}\n\nPress Ctrl+C to stop.\n`,
  );
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await workbench.dispose();
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (first === 'serve') return serve(rest);
  // The pty host is built next to this entry (out/main/).
  if (first === 'nb') return nbCommand(rest, join(__dirname, 'pty-host.js'));
  if (first === 'run' || first === 'bench' || first === 'profile') return modelCommand(first, rest, join(__dirname, 'onnx-runner.js'));
  if (first !== undefined && first.startsWith('-')) {
    process.stderr.write(`lathe: unknown option ${first}\n\n${HELP}`);
    return 2;
  }
  if (rest.length > 0) {
    process.stderr.write(`lathe: unknown command "${first}". Run "lathe --help".\n`);
    return 2;
  }
  const launched = launchApp(first === undefined ? undefined : resolve(first));
  if (!launched.ok) {
    process.stderr.write(`lathe: ${launched.message}\n`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
