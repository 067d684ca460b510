import { defineConfig } from 'vitest/config';

// Only unit and relay tests: the Playwright specs under tests/e2e run in real Chromium, not here.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx', 'tests/relay/**/*.test.ts'],
    environment: 'node',
  },
});
