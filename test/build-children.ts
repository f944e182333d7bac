/**
 * vitest global setup: integration tests fork the real child processes (the pty host, the onnx runner), so build them
 * from source first, into out/test-children/, with the same bundler as the app (about half a second).
 */
import { resolve } from 'node:path';
import { build } from 'vite';
import { CHILDREN_DIR } from './children';

export default async function setup(): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: resolve(__dirname, '..'),
    build: {
      ssr: true,
      outDir: CHILDREN_DIR,
      emptyOutDir: true,
      minify: false,
      sourcemap: 'inline',
      rollupOptions: {
        input: {
          'pty-host': resolve(__dirname, '..', 'src-main/pty-host/main.ts'),
          'onnx-runner': resolve(__dirname, '..', 'src-main/onnx-runner/main.ts'),
          'torn-writer': resolve(__dirname, 'torn-writer.ts'),
        },
        output: { format: 'cjs', entryFileNames: '[name].js' },
        external: ['node-pty', 'onnxruntime-node', 'protobufjs', 'pngjs', 'jpeg-js'],
      },
    },
  });
}
