import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// base './' makes every asset URL relative, so dist/ works from any static host and any sub-path.
export default defineConfig({
  base: './',
  plugins: [preact()],
  build: { target: 'es2022', sourcemap: true },
});
