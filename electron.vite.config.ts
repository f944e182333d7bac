import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

/**
 * One build for both hosts:
 * - main: the Electron main process and, as a second entry, the `lathe` CLI (which runs under plain Node
 *   and hosts server mode). Native children (pty host, onnx runner) join as entries when they arrive.
 * - preload: the sandboxed bridge (CommonJS, as a sandboxed preload must be).
 * - renderer: the React app, minified; Monaco's workers are bundled locally.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      sourcemap: true,
      rollupOptions: {
        input: {
          main: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/lathe.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: resolve(__dirname, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      minify: process.env.LATHE_RENDERER_DEBUG ? false : true,
      sourcemap: false,
      chunkSizeWarningLimit: 6000,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
      },
    },
  },
});
