import { defineConfig } from 'vitest/config';

// Unit tests (`*.test.ts`) and integration tests (`*.int.test.ts`) live next to the code.
// Playwright specs (e2e/) are not vitest's.
export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'src-renderer/**/*.test.tsx', 'bench/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', 'out/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/build-children.ts'],
  },
});
