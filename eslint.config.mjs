// Lint keeps the house's layering true (architecture.md), not memory:
// - the renderer and common/ never import electron or node:*;
// - core/ never imports electron;
// - node-pty only in the pty host; onnxruntime-node only in the onnx runner.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'stream', 'util', 'url', 'worker_threads'];
const nativeOnly = (except) =>
  [
    { name: 'node-pty', message: 'node-pty is imported only in src-main/pty-host (a supervised child process).' },
    { name: 'onnxruntime-node', message: 'onnxruntime-node is imported only in src-main/onnx-runner (a supervised child process).' },
  ].filter((p) => p.name !== except);
const noElectron = { name: 'electron', message: 'electron is imported only in src-main/electron.' };
const noNode = NODE_BUILTINS.map((group) => ({ group: [group], message: 'Node built-ins are not available here: this code also runs in the renderer.' }));

const restrict = (paths, patterns = []) => ['error', { paths, patterns }];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/.results/**', 'src-main/core/workspace/__fixtures__/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': restrict([...nativeOnly(), noElectron]),
      // The same for require('…') and import('…') (no-restricted-imports sees only import declarations).
      'no-restricted-syntax': ['error', { selector: "CallExpression > Literal[value=/^(node-pty|onnxruntime-node)$/]", message: 'node-pty is imported only in src-main/pty-host, onnxruntime-node only in src-main/onnx-runner (supervised child processes).' }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': restrict([...nativeOnly(), noElectron], noNode),
      // An expression-bodied effect returns whatever the expression gives; Chromium's scrollIntoView now
      // returns a Promise, which React then calls as the cleanup and crashes on unmount.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name=/^use(Layout)?Effect$/] > ArrowFunctionExpression[body.type!='BlockStatement']",
          message: 'Give effects a block body and return a cleanup explicitly.',
        },
      ],
    },
  },
  {
    files: ['src-main/common/**/*.ts'],
    ignores: ['src-main/common/**/*.test.ts'],
    rules: { 'no-restricted-imports': restrict([...nativeOnly(), noElectron], noNode) },
  },
  { files: ['src-main/**/*.{ts,mjs}', 'e2e/**/*.ts', 'bench/**/*.{ts,mjs,js}', 'bin/**/*.js', 'scripts/**/*.{js,mjs}', '*.{js,mjs,ts,mts}'], languageOptions: { globals: globals.node } },
  { files: ['src-main/electron/**/*.ts'], rules: { 'no-restricted-imports': restrict(nativeOnly()) } },
  { files: ['src-main/pty-host/**/*.{ts,mjs}'], rules: { 'no-restricted-imports': restrict([...nativeOnly('node-pty'), noElectron]), 'no-restricted-syntax': 'off' } },
  { files: ['src-main/onnx-runner/**/*.ts'], rules: { 'no-restricted-imports': restrict([...nativeOnly('onnxruntime-node'), noElectron]), 'no-restricted-syntax': 'off' } },
  // The benchmarks' peers: bare onnxruntime-node in its own process (a timing loop; a profile written untouched),
  // what Lathe's runner and trace parser are measured and checked against.
  { files: ['bench/peers/*.mjs'], rules: { 'no-restricted-imports': restrict([...nativeOnly('onnxruntime-node'), noElectron]) } },
  { files: ['bin/**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // This file names the modules to restrict them.
  { files: ['eslint.config.mjs'], rules: { 'no-restricted-syntax': 'off' } },
);
