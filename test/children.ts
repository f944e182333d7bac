import { join, resolve } from 'node:path';

/**
 * Where vitest's global setup (test/build-children.ts) builds the child processes from source. Two vitest runs
 * at once each need their own: set LATHE_TEST_CHILDREN to another folder under out/ for the second (under the
 * repository, so the children still find node_modules).
 */
export const CHILDREN_DIR = process.env.LATHE_TEST_CHILDREN ? resolve(process.env.LATHE_TEST_CHILDREN) : resolve(__dirname, '..', 'out', 'test-children');
export const PTY_HOST = join(CHILDREN_DIR, 'pty-host.js');
export const ONNX_RUNNER = join(CHILDREN_DIR, 'onnx-runner.js');
