import { defineConfig } from 'vitest/config';

// Only unit and relay tests: the Playwright specs under tests/e2e run in real Chromium, not here.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx', 'tests/relay/**/*.test.ts'],
    environment: 'node',
    // Property tests and the 1,000-run attacker simulation take seconds alone and longer on a busy CI
    // machine; a hung test still fails, just not at 5 s.
    testTimeout: 60_000,
  },
});
