import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * `monaco-editor`'s main module also re-exports an LSP client (`lsp`) that Lathe does not use, and which
 * the bundler cannot drop (it is imported for its side effects). Leave it out of the editor's chunk.
 */
function monacoWithoutLsp(): Plugin {
  return {
    name: 'lathe-monaco-without-lsp',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/monaco-editor\/esm\/vs\/(index|editor\/editor\.main)\.js$/.test(id.replace(/\\/g, '/'))) return null;
      const stripped = code
        .replace(/^import \* as index from '[^']*monaco-lsp-client[^']*';\r?\n/m, '')
        .replace(/^export \{ index as lsp \};\r?\n/m, '');
      if (stripped === code) this.warn('monaco-editor no longer imports its LSP client the way Lathe expects');
      return { code: stripped, map: null };
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      sourcemap: true,
      rollupOptions: {
        input: {
          main: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/lathe.ts'),
          // Supervised children: each is its own entry, forked by the core.
          'pty-host': resolve(__dirname, 'src-main/pty-host/main.ts'),
          'onnx-runner': resolve(__dirname, 'src-main/onnx-runner/main.ts'),
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
    plugins: [react(), monacoWithoutLsp()],
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
