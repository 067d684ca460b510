import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleBudgetProblem } from '../../scripts/bundle-budget';

// The real dist/ is measured by `npm run build` itself (the bundleBudget plugin in vite.config.ts fails
// the build over budget). Here: the check on small built-looking trees, so it runs on a fresh clone.
const dirs: string[] = [];
const fakeDist = (files: Record<string, string | Uint8Array>, html: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-dist-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'assets'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  writeFileSync(join(dir, 'index.html'), html);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PAGE =
  '<script type="module" crossorigin src="./assets/index.js"></script><link rel="stylesheet" href="./assets/index.css">';

describe('first-load budget check', () => {
  it('passes a first load within the budget', () => {
    const dist = fakeDist({ 'assets/index.js': 'console.log(1);'.repeat(100), 'assets/index.css': 'body{}' }, PAGE);
    expect(bundleBudgetProblem(dist, 1024)).toBeNull();
  });

  it('fails a first load over the budget, naming each file and its size', () => {
    // Random bytes do not compress: 4 KB stays about 4 KB after gzip.
    const dist = fakeDist({ 'assets/index.js': randomBytes(4096), 'assets/index.css': 'body{}' }, PAGE);
    const problem = bundleBudgetProblem(dist, 1024);
    expect(problem).toMatch(/over the 1024 B budget/);
    expect(problem).toContain('./assets/index.js: ');
    expect(problem).toContain('./assets/index.css: ');
  });

  it('counts files only index.html loads: a lazy chunk does not count', () => {
    const dist = fakeDist(
      { 'assets/index.js': 'x', 'assets/index.css': 'y', 'assets/Call.js': randomBytes(8192) },
      PAGE,
    );
    expect(bundleBudgetProblem(dist, 1024)).toBeNull();
  });

  it('fails when index.html references no JS or CSS (an empty measurement proves nothing)', () => {
    const dist = fakeDist({}, '<p>nothing</p>');
    expect(bundleBudgetProblem(dist, 1024)).toMatch(/references no JS or CSS/);
  });
});
