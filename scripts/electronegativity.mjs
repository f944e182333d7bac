// Electronegativity (@doyensec/electronegativity), Doyensec's static checker for Electron
// misconfigurations, over the Electron main process and preload sources, as a repeatable check.
//
//   node scripts/electronegativity.mjs            scan; exit 1 on any finding not in the allowlist
//   node scripts/electronegativity.mjs --install  first install the pinned version into
//                                                 node_modules/.cache/electronegativity (outside
//                                                 package.json and the lockfile), then scan
//   options: --require (exit 1 instead of skipping when the tool is missing), --json, --verbose
//
// What is scanned (copied into a temporary folder, so the tool sees only what ships):
//   - src-main/electron/**, without tests (*.test.ts: their fixtures include hostile CSPs on purpose);
//   - the Content-Security-Policy that src-main/common/csp.ts builds, as a <meta> in a generated page
//     (the tool only reads CSP string literals; ours is computed, so it would otherwise never see it);
//   - src-renderer/index.html (its <meta> CSP also applies to the window).
// Not scanned: the bundles in out/. Electronegativity matches `new BrowserWindow(...)` by name, and the
// bundle says `new electron.BrowserWindow(...)`, so every webPreferences check is silently skipped there;
// src-main/electron/built-app.test.ts checks the bundles instead.
//
// Every accepted finding is in scripts/electronegativity-justified.json: check id, file, reason, and
// optionally `sample` / `description` (substrings of the finding's source line / text) and `csp` (for
// CSP_GLOBAL_CHECK: every csp-evaluator finding of that policy must be one of these). Entries are matched
// by content, not line numbers. An entry that matches nothing is reported (remove it), not an error.
//
// The tool would reach the network at run time (translations from S3, Electron's release list from
// GitHub). This script stubs its HTTP client and skips the release check: the scan is offline and the
// same every time. Electron updates are a dependency-update matter, not this check's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const PACKAGE = '@doyensec/electronegativity';
const PINNED = '1.10.3';
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_PREFIX = join(REPO, 'node_modules', '.cache', 'electronegativity');
const ALLOWLIST = join(REPO, 'scripts', 'electronegativity-justified.json');
/** Where the policy from csp.ts is written, as a <meta> in a page of its own, inside the staging folder. */
const GENERATED_CSP_PAGE = 'common/csp.html';
/** Needs the network (Electron's release list) and reports nothing without it. */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--install', '--require', '--json', '--verbose', '--help'].includes(a)) {
    console.error(`electronegativity: unknown option ${a} (see --help)`);
    process.exit(2);
  }
}
if (args.has('--help')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0].replace(/^\/\/ ?/gm, ''));
  process.exit(0);
}

/** The tool's package.json, from the project, $ELECTRONEGATIVITY_DIR, or the --install cache. */
function locate() {
  const places = [join(REPO, 'package.json')];
  if (process.env.ELECTRONEGATIVITY_DIR) places.push(join(process.env.ELECTRONEGATIVITY_DIR, 'noop.js'));
  places.push(join(CACHE_PREFIX, 'noop.js'));
  for (const from of places) {
    try {
      return createRequire(from).resolve(`${PACKAGE}/package.json`);
    } catch {
      // not there
    }
  }
  const dir = process.env.ELECTRONEGATIVITY_DIR; // the package folder itself
  if (dir && existsSync(join(dir, 'package.json'))) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === PACKAGE) return join(dir, 'package.json');
    } catch {
      // not it
    }
  }
  return null;
}

function install() {
  mkdirSync(CACHE_PREFIX, { recursive: true });
  console.error(`electronegativity: installing ${PACKAGE}@${PINNED} into ${relative(REPO, CACHE_PREFIX)} ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const flags = ['--prefix', CACHE_PREFIX, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund'];
  const r = spawnSync(npm, ['install', ...flags, `${PACKAGE}@${PINNED}`], { stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error('electronegativity: npm install failed');
    process.exit(1);
  }
}

if (args.has('--install') && locate() === null) install();
const pkgJson = locate();
if (pkgJson === null) {
  const how = `node scripts/electronegativity.mjs --install (or npm i -D --save-exact ${PACKAGE}@${PINNED})`;
  if (args.has('--require')) {
    console.error(`electronegativity: ${PACKAGE} is not installed; ${how}`);
    process.exit(1);
  }
  console.log(`electronegativity: SKIPPED: ${PACKAGE} is not installed. To run it: ${how}`);
  process.exit(0);
}
const toolRequire = createRequire(pkgJson);
const toolVersion = JSON.parse(readFileSync(pkgJson, 'utf8')).version;
if (toolVersion !== PINNED) {
  console.error(`electronegativity: warning: found ${toolVersion}; the allowlist was reviewed against ${PINNED}`);
}

// --- the allowlist ---------------------------------------------------------------------------------

function loadAllowlist() {
  const data = JSON.parse(readFileSync(ALLOWLIST, 'utf8'));
  const entries = data.findings;
  if (!Array.isArray(entries)) throw new Error(`${relative(REPO, ALLOWLIST)}: "findings" must be an array`);
  entries.forEach((e, i) => {
    const where = `${relative(REPO, ALLOWLIST)} findings[${i}]`;
    for (const k of ['id', 'file', 'reason']) {
      if (typeof e[k] !== 'string' || e[k].trim() === '') throw new Error(`${where}: "${k}" must be a non-empty string`);
    }
    for (const k of ['sample', 'description']) {
      if (k in e && typeof e[k] !== 'string') throw new Error(`${where}: "${k}" must be a string`);
    }
    if ('csp' in e && !(Array.isArray(e.csp) && e.csp.every((c) => typeof c === 'string'))) {
      throw new Error(`${where}: "csp" must be an array of strings`);
    }
  });
  return entries;
}

function matches(entry, f) {
  if (entry.id !== f.id || entry.file !== f.file) return false;
  if ('sample' in entry && !(f.sample ?? '').includes(entry.sample)) return false;
  if ('description' in entry && !(f.description ?? '').includes(entry.description)) return false;
  if ('csp' in entry && !(Array.isArray(f.csp) && f.csp.every((c) => entry.csp.includes(c)))) return false;
  return true;
}

// --- staging ---------------------------------------------------------------------------------------

const isTest = (name) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(name) || name.endsWith('.d.ts');

function copyTree(from, to, staged, stageRoot) {
  for (const ent of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, ent.name);
    const dst = join(to, ent.name);
    if (ent.isDirectory()) {
      if (ent.name === '__fixtures__' || ent.name === 'node_modules') continue;
      copyTree(src, dst, staged, stageRoot);
    } else if (ent.isFile() && /\.([cm]?[jt]sx?|html|json)$/.test(ent.name) && !isTest(ent.name)) {
      mkdirSync(to, { recursive: true });
      writeFileSync(dst, readFileSync(src));
      staged.set(relative(stageRoot, dst).split(sep).join('/'), relative(REPO, src).split(sep).join('/'));
    }
  }
}

/** The policy csp.ts builds for the Electron window, evaluated from the source (TypeScript transpiles it). */
function electronCsp() {
  const ts = createRequire(join(REPO, 'package.json'))('typescript');
  const source = readFileSync(join(REPO, 'src-main', 'common', 'csp.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} };
  vm.runInNewContext(js, { module, exports: module.exports });
  const csp = module.exports.contentSecurityPolicy();
  if (typeof csp !== 'string' || csp === '') throw new Error('src-main/common/csp.ts: contentSecurityPolicy() gave no policy');
  return csp;
}

const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function stage(root) {
  const staged = new Map(); // staged path (relative, /) -> repo path
  copyTree(join(REPO, 'src-main', 'electron'), join(root, 'electron'), staged, root);
  mkdirSync(join(root, 'renderer'));
  writeFileSync(join(root, 'renderer', 'index.html'), readFileSync(join(REPO, 'src-renderer', 'index.html')));
  staged.set('renderer/index.html', 'src-renderer/index.html');
  mkdirSync(join(root, 'common'));
  const page = `<!doctype html>\n<html><head><meta http-equiv="Content-Security-Policy" content="${escapeAttr(electronCsp())}" /></head><body></body></html>\n`;
  writeFileSync(join(root, ...GENERATED_CSP_PAGE.split('/')), page);
  staged.set(GENERATED_CSP_PAGE, 'src-main/common/csp.ts');
  return staged;
}

// --- the scan --------------------------------------------------------------------------------------

/** Keeps the tool offline: its HTTP client (`got`) fails at once, so it falls back to its bundled strings. */
function stubNetwork() {
  const gotPath = toolRequire.resolve('got');
  const refuse = () => Promise.reject(new Error('network disabled by scripts/electronegativity.mjs'));
  const got = Object.assign(refuse, { head: refuse, get: refuse });
  toolRequire.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: got, children: [], paths: [] };
}

function electronVersion() {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const range = pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  const m = /(\d+\.\d+\.\d+)/.exec(range ?? '');
  if (!m) throw new Error('package.json: no electron version to check against');
  return m[1];
}

async function scan(stageRoot) {
  stubNetwork();
  process.env.LANG = 'en-US'; // the tool picks its locale from LANG; its findings' text is matched below
  const run = toolRequire('./dist/runner.js');
  const quiet = [];
  const saved = { log: console.log, info: console.info, warn: console.warn };
  console.log = console.info = console.warn = (...a) => quiet.push(a.join(' '));
  try {
    const result = await run(
      {
        input: stageRoot,
        output: undefined,
        isSarif: false,
        customScan: [],
        excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()),
        severitySet: undefined,
        confidenceSet: undefined,
        isRelative: true,
        isVerbose: false,
        electronUpgrade: undefined,
        electronVersionOverride: electronVersion(),
        parserPlugins: [],
      },
      false,
    );
    return { ...result, quiet };
  } finally {
    Object.assign(console, saved);
  }
}

/** csp-evaluator's findings for a policy, as "directive value" (e.g. "script-src 'self'"). */
function cspFindings(policy) {
  const csp = toolRequire('@doyensec/csp-evaluator');
  const parsed = new csp.CspParser(policy).csp;
  return new csp.CspEvaluator(parsed, csp.Version.CSP3).evaluate().map((f) => `${f.directive} ${f.value ?? ''}`.trim());
}

const stageRoot = mkdtempSync(join(tmpdir(), 'lathe-eneg-'));
let exitCode = 0;
try {
  const allowlist = loadAllowlist();
  const staged = stage(stageRoot);
  const { issues, errors, quiet } = await scan(stageRoot);
  if (args.has('--verbose')) for (const line of quiet) console.error(`  (tool) ${line}`);

  const findings = issues.map((i) => {
    const rel = String(i.file).split(sep).join('/');
    const generated = rel === GENERATED_CSP_PAGE; // its line numbers are the generated page's: leave them out
    const f = {
      id: i.id,
      file: staged.get(rel) ?? rel,
      line: generated ? 0 : (i.location?.line ?? 0),
      column: generated ? 0 : (i.location?.column ?? 0),
      severity: i.severity?.name ?? String(i.severity),
      confidence: i.confidence?.name ?? String(i.confidence),
      description: i.description,
      sample: typeof i.sample === 'string' ? i.sample : undefined,
    };
    if (f.id === 'CSP_GLOBAL_CHECK' && f.sample) {
      try {
        f.csp = cspFindings(f.sample);
      } catch {
        // an unparseable policy has no evaluator findings to accept
      }
    }
    const entry = allowlist.find((e) => matches(e, f));
    f.justified = entry ? entry.reason : null;
    if (entry) entry.used = true;
    return f;
  });
  // The tool's order depends on file-system listing and async timing: sort for a stable report.
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.id.localeCompare(b.id));
  // A file the tool could not parse was not checked at all.
  const parseErrors = errors.filter((e) => !e.tolerable).map((e) => ({ file: staged.get(relative(stageRoot, e.file).split(sep).join('/')) ?? e.file, message: e.message }));
  const unused = allowlist.filter((e) => !e.used).map(({ used: _used, ...e }) => e);
  const fresh = findings.filter((f) => f.justified === null);

  if (args.has('--json')) {
    console.log(JSON.stringify({ tool: `${PACKAGE}@${toolVersion}`, electron: electronVersion(), findings, parseErrors, unusedAllowlistEntries: unused }, null, 2));
  } else {
    console.log(`electronegativity ${toolVersion} (Electron ${electronVersion()}): ${staged.size} files, ${findings.length} finding(s), ${fresh.length} not justified`);
    for (const f of findings) {
      const tag = f.justified === null ? 'NEW      ' : 'justified';
      console.log(`  [${tag}] ${f.id} ${f.file}:${f.line}:${f.column} ${f.severity}/${f.confidence}: ${f.description}`);
      if (f.justified === null) {
        if (f.sample) console.log(`              ${f.sample}`);
        if (f.csp) console.log(`              csp-evaluator: ${f.csp.join('; ')}`);
      }
    }
    for (const e of parseErrors) console.log(`  [PARSE ERROR] ${e.file}: ${e.message} (this file was not checked)`);
    for (const e of unused) console.log(`  warning: allowlist entry matched nothing (fixed? then remove it): ${e.id} ${e.file}`);
    if (fresh.length > 0) {
      console.log(`\n${fresh.length} finding(s) not in ${relative(REPO, ALLOWLIST)}: fix them, or add an entry with the reason.`);
      console.log('Checks: https://github.com/doyensec/electronegativity/wiki');
    }
  }
  if (fresh.length > 0 || parseErrors.length > 0) exitCode = 1;
} catch (e) {
  console.error(`electronegativity: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  exitCode = 1;
} finally {
  rmSync(stageRoot, { recursive: true, force: true });
}
process.exit(exitCode);
