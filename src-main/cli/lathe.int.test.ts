/**
 * `lathe serve` as a user runs it: the real CLI, built from source with the app's bundler into out/, started as a
 * child process. Where it listens by default (127.0.0.1 only), what `--host 0.0.0.0` prints and answers, and that
 * the environment cannot take it beyond loopback. (No renderer is built here: pages get 404 past admission,
 * which is all these tests need.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../../test/skip';
import { rawExchange } from '../server/test-client';

const REPO = resolve(__dirname, '..', '..');
/** Under the repository, so the built CLI finds node_modules. */
const CLI_DIR = join(REPO, 'out', `test-cli-${process.pid}`);
const CLI = join(CLI_DIR, 'cli.js');
const LAN_IPV4 = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((i) => !i.internal && i.family === 'IPv4')?.address;

let userDir: string;
const running: ChildProcess[] = [];

interface CliRun {
  readonly child: ChildProcess;
  readonly out: { stdout: string; stderr: string };
  readonly exit: Promise<number | null>;
}

function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LATHE_USER_DIR: userDir, ...env };
  if (!('LATHE_HOST' in env)) delete childEnv.LATHE_HOST;
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, out, exit };
}

/** The URL `lathe serve` prints once it listens. */
async function printedUrl(run: CliRun, ms = 30_000): Promise<URL> {
  const start = Date.now();
  for (;;) {
    const found = /http:\/\/\S+\/\?token=\S+/.exec(run.out.stdout)?.[0];
    if (found) return new URL(found);
    if (run.child.exitCode !== null) throw new Error(`lathe serve exited (${run.child.exitCode}): ${run.out.stderr}`);
    if (Date.now() - start > ms) throw new Error(`no URL within ${ms} ms; stdout: ${run.out.stdout}; stderr: ${run.out.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(run: CliRun): Promise<number | null> {
  run.child.kill('SIGTERM');
  return run.exit;
}

beforeAll(async () => {
  userDir = await mkdtemp(join(tmpdir(), 'lathe-cli-user-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: REPO,
    build: {
      ssr: true,
      outDir: CLI_DIR,
      emptyOutDir: true,
      minify: false,
      rollupOptions: {
        input: { cli: join(REPO, 'src-main/cli/lathe.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
        external: ['node-pty', 'onnxruntime-node', 'protobufjs', 'pngjs', 'jpeg-js'],
      },
    },
  });
}, 120_000);

afterAll(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(CLI_DIR, { recursive: true, force: true });
  if (userDir) await rm(userDir, { recursive: true, force: true });
});

describe('lathe serve: where it listens', () => {
  it('listens on 127.0.0.1 only by default, without a warning', async () => {
    const run = runCli(['serve', '--port', '0']);
    const url = await printedUrl(run);
    expect(url.hostname).toBe('127.0.0.1');
    const port = Number(url.port);
    const token = url.searchParams.get('token')!;
    expect((await rawExchange(port, { target: `/?token=${token}`, host: `127.0.0.1:${port}` })).status).toBe(302);
    if (LAN_IPV4) await expect(rawExchange(port, { target: '/', host: `${LAN_IPV4}:${port}` }, LAN_IPV4)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(run.out.stderr).not.toMatch(/WARNING/);
    expect(await stop(run)).toBe(0);
  });

  it.skipIf(missing(!LAN_IPV4 && 'this machine has no non-loopback IPv4 address: lathe serve --host 0.0.0.0 is not tried'))(
    'with --host 0.0.0.0: warns on stderr, answers over the LAN address with the token, still refuses foreign Hosts and Origins',
    async () => {
      const run = runCli(['serve', '--port', '0', '--host', '0.0.0.0']);
      const url = await printedUrl(run);
      const port = Number(url.port);
      const token = url.searchParams.get('token')!;
      expect(url.hostname).toBe('127.0.0.1');
      expect(run.out.stderr).toContain(`lathe serve: WARNING: listening on every interface of this machine (0.0.0.0), port ${port}`);
      expect(run.out.stderr).toContain('The token is then the only protection');
      expect(run.out.stderr).toContain('plain HTTP (not encrypted)');
      expect(run.out.stderr).toContain(`${LAN_IPV4!}:${port}`);
      const lanHost = `${LAN_IPV4!}:${port}`;
      expect((await rawExchange(port, { target: `/?token=${token}`, host: lanHost, headers: { Origin: `http://${lanHost}` } }, LAN_IPV4)).status).toBe(302);
      expect((await rawExchange(port, { target: `/ws?token=${token}`, host: lanHost, websocket: true }, LAN_IPV4)).upgraded).toBe(true);
      expect((await rawExchange(port, { target: '/', host: lanHost }, LAN_IPV4)).status).toBe(401);
      expect((await rawExchange(port, { target: `/?token=${token}`, host: `evil.com:${port}` }, LAN_IPV4)).status).toBe(403);
      expect((await rawExchange(port, { target: `/ws?token=${token}`, host: lanHost, websocket: true, headers: { Origin: 'http://evil.com' } }, LAN_IPV4)).status).toBe(403);
      expect(await stop(run)).toBe(0);
    },
  );

  it('refuses a non-loopback LATHE_HOST (only --host leaves loopback), and listens nowhere', async () => {
    for (const wide of ['0.0.0.0', '::', LAN_IPV4 ?? '192.0.2.77']) {
      const run = runCli(['serve', '--port', '0'], { LATHE_HOST: wide });
      expect(await run.exit, run.out.stderr).toBe(2);
      expect(run.out.stderr).toContain(`lathe serve: LATHE_HOST=${wide} is not a loopback address`);
      expect(run.out.stderr).toContain('--host');
      expect(run.out.stdout).not.toMatch(/token=/);
    }
  });

  it('takes another loopback address from LATHE_HOST, without a warning', async () => {
    const run = runCli(['serve', '--port', '0'], { LATHE_HOST: '127.0.0.2' });
    const url = await printedUrl(run);
    expect(url.hostname).toBe('127.0.0.2');
    expect(run.out.stderr).not.toMatch(/WARNING/);
    expect(await stop(run)).toBe(0);
  });

  it('refuses a --host that is not an IP address', async () => {
    const run = runCli(['serve', '--port', '0', '--host', 'evil.com']);
    expect(await run.exit).toBe(2);
    expect(run.out.stderr).toContain('--host takes an IP address');
  });

  it('documents --host in its help', async () => {
    const run = runCli(['serve', '--help']);
    expect(await run.exit).toBe(0);
    expect(run.out.stdout).toContain('--host ADDR');
    expect(run.out.stdout).toContain('the token is the only protection');
    expect(run.out.stdout).toContain('LATHE_HOST');
  });
});
