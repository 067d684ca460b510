import { defineConfig } from 'vite';

// Builds the bare-Trystero page into build/bench-bare, same bundler and target as the app.
export default defineConfig({
  root: 'bench/bare',
  base: './',
  logLevel: 'warn',
  build: { target: 'es2022', outDir: '../../build/bench-bare', emptyOutDir: true },
});
