import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Builds the bare-Trystero page into build/bench-bare, same bundler and target as the app. Its
// Trystero core is upstream 0.25.4 as published (the `trystero-core-upstream` alias, which
// patch-package leaves alone), not the app's patched copy: the floor is what Trystero alone gives.
export default defineConfig({
  root: 'bench/bare',
  base: './',
  logLevel: 'warn',
  resolve: {
    alias: [
      {
        find: /^@trystero-p2p\/core$/,
        replacement: fileURLToPath(new URL('../node_modules/trystero-core-upstream/dist/index.mjs', import.meta.url)),
      },
    ],
  },
  build: { target: 'es2022', outDir: '../../build/bench-bare', emptyOutDir: true },
});
