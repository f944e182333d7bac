import { join, resolve } from 'node:path';

/** Where vitest's global setup (test/build-children.ts) builds the child processes from source. */
export const CHILDREN_DIR = resolve(__dirname, '..', 'out', 'test-children');
export const PTY_HOST = join(CHILDREN_DIR, 'pty-host.js');
export const ONNX_RUNNER = join(CHILDREN_DIR, 'onnx-runner.js');
