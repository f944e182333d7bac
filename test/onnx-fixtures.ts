/**
 * The generated ONNX test models (resnet18, small_cnn, int8_qdq, symbolic_batch, if_subgraph,
 * external_data, big_5000, the Silero VADs): `onnxFixtures()` returns their folder, generating it on
 * first use with Debian's Python and torch (scripts/make-onnx-fixtures.py, about 6–10 s; a no-op when
 * out/test-fixtures/onnx/manifest.json already holds the script's hash). Tests that need them skip with
 * `describe.skipIf(missing(torchMissing))` where torch is not installed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PYTHON = '/usr/bin/python3';
const REPO = resolve(__dirname, '..');
const SCRIPT = join(REPO, 'scripts', 'make-onnx-fixtures.py');
export const ONNX_FIXTURES_DIR = join(REPO, 'out', 'test-fixtures', 'onnx');

/** One model in manifest.json. */
export interface OnnxFixture {
  readonly file: string;
  readonly description: string;
  /** NAME.expected.json: { summary (a ModelSummary), graphName, mainGraphNodeCount, valueInfoCount, nodes, initializers }. */
  readonly expected: string;
  readonly sideFiles: readonly string[];
  /** A seeded input and torch's output for it (float32 .npy files); null for models without a torch reference. */
  readonly reference: {
    readonly input: { readonly name: string; readonly file: string; readonly shape: readonly number[] };
    readonly output: { readonly name: string; readonly file: string; readonly shape: readonly number[] };
  } | null;
  /** Seconds its generation took. */
  readonly seconds: number;
}

export interface OnnxFixtureManifest {
  readonly scriptHash: string;
  readonly torch: string;
  readonly onnx: string;
  readonly models: Readonly<Record<string, OnnxFixture>>;
  readonly files: readonly string[];
}

/** Why the fixtures cannot be generated here (no Python, torch, torchvision, onnx or numpy), or null. */
export const torchMissing: string | null = checkPython();
export const hasTorch = torchMissing === null;

/** The fixture folder, generated (synchronously) when missing or made by an older script. */
export function onnxFixtures(): string {
  if (isCurrent()) return ONNX_FIXTURES_DIR;
  if (torchMissing) throw new Error(`Cannot generate the ONNX test fixtures: ${torchMissing}`);
  const run = spawnSync(PYTHON, [SCRIPT, ONNX_FIXTURES_DIR], { encoding: 'utf8', timeout: 10 * 60_000 });
  if (run.status !== 0) {
    throw new Error(`scripts/make-onnx-fixtures.py failed (exit ${run.status ?? run.signal}):\n${(run.stderr ?? '').slice(-4000)}`);
  }
  return ONNX_FIXTURES_DIR;
}

export function onnxManifest(): OnnxFixtureManifest {
  return JSON.parse(readFileSync(join(onnxFixtures(), 'manifest.json'), 'utf8')) as OnnxFixtureManifest;
}

/** The same test the script makes, without starting Python: manifest present, same script hash, files there. */
function isCurrent(): boolean {
  const manifestPath = join(ONNX_FIXTURES_DIR, 'manifest.json');
  if (!existsSync(manifestPath)) return false;
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as OnnxFixtureManifest;
    const hash = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex');
    return manifest.scriptHash === hash && manifest.files.every((f) => existsSync(join(ONNX_FIXTURES_DIR, f)));
  } catch {
    return false;
  }
}

function checkPython(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed (the ONNX fixtures are made with Debian's Python and torch).`;
  const modules = ['torch', 'torchvision', 'onnx', 'numpy'];
  const probe = `import importlib.util as u; print(' '.join(m for m in ${JSON.stringify(modules)} if u.find_spec(m) is None))`;
  const run = spawnSync(PYTHON, ['-c', probe], { encoding: 'utf8' });
  if (run.status !== 0) return `${PYTHON} failed to start: ${run.stderr}`;
  const absent = run.stdout.trim();
  return absent ? `${PYTHON} lacks ${absent.split(' ').join(', ')} (apt install python3-torch python3-torchvision python3-onnx python3-numpy).` : null;
}
