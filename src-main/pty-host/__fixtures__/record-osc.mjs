/**
 * Records golden input for the marker parser (src-main/common/osc.ts) from the REAL driver in a real pty:
 * raw terminal output, markers included, with a fixed nonce. Writes
 * src-main/common/__fixtures__/osc/<name>.in.txt; the parser test writes the matching .out.json when run
 * with LATHE_UPDATE_FIXTURES=1 (review the diff before committing it).
 *
 * Usage: node src-main/pty-host/__fixtures__/record-osc.mjs [python]   (default /usr/bin/python3)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const pty = createRequire(join(REPO, 'package.json'))('node-pty');
const NONCE = 'f1x7ure';
const python = process.argv[2] ?? '/usr/bin/python3';

const RUNS = [
  'x = 41',
  'x + 1',
  'import sys\nprint("out")\nprint("err", file=sys.stderr)\nprint("é ≠ 😀")',
  `print("\\x1b]7337;forged;eyJ0IjoiZW5kIn0=\\x07")`,
  'def f():\n    return 1 / 0\nf()',
  'for i in range(3):\n    print(f"\\r{i}", end="")\nprint()',
];

const dir = mkdtempSync(join(tmpdir(), 'lathe-record-'));
const sock = join(dir, 'c.sock');
let raw = '';
let ends = 0;
let connection;
const server = createServer((c) => {
  connection = c;
  RUNS.forEach((code, i) => {
    c.write(`${JSON.stringify({ op: 'run', id: `r${i + 1}`, code: Buffer.from(code).toString('base64'), echo: true, vars: false })}\n`);
  });
});
server.listen(sock, () => {
  const term = pty.spawn(python, [join(REPO, 'resources', 'python', 'lathe_driver.py')], {
    cols: 100,
    rows: 30,
    cwd: dir,
    env: { ...process.env, TERM: 'xterm-256color', LATHE_REPL_SOCKET: sock, LATHE_REPL_NONCE: NONCE, PYTHONPATH: '' },
    encoding: 'utf8',
  });
  term.onData((d) => {
    raw += d;
    // Each run's end marker carries "end"; stop after the last one and its prompt.
    const count = raw.split(`\x1b]7337;${NONCE};`).slice(1).filter((m) => Buffer.from(m.split('\x07')[0], 'base64').toString().includes('"t":"end"')).length;
    if (count > ends) ends = count;
    if (ends === RUNS.length && raw.endsWith(': ')) finish(term);
  });
  setTimeout(() => finish(term), 30_000);
});

let done = false;
function finish(term) {
  if (done) return;
  done = true;
  // Times vary from run to run: fix them so the fixture is stable.
  const stable = raw.replace(new RegExp(`\\x1b\\]7337;${NONCE};([A-Za-z0-9+/=]+)\\x07`, 'g'), (_, b64) => {
    const msg = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    if ('durationMs' in msg) msg.durationMs = 0;
    if (msg.t === 'hello') Object.assign(msg, { pid: 1, executable: '/usr/bin/python3', cwd: '/project', version: '3.11.2' });
    return `\x1b]7337;${NONCE};${Buffer.from(JSON.stringify(msg)).toString('base64')}\x07`;
  });
  const out = join(REPO, 'src-main', 'common', '__fixtures__', 'osc', 'ipython-session.in.txt');
  writeFileSync(out, stable);
  console.log(`wrote ${out} (${stable.length} chars, ${ends} runs)`);
  term.kill();
  connection?.destroy();
  server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
