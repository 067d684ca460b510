import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { measureBundle } from '../bench/bundle-size.ts';

/** First-load JS+CSS (gzip -9) the home screen needs; screens beyond Home must be lazy-loaded to stay under it. */
export const FIRST_LOAD_BUDGET_BYTES = 30 * 1024;

/** Why the built app in `distDir` is over budget (or measures nothing), or null when it is within. */
export const bundleBudgetProblem = (distDir: string, budget = FIRST_LOAD_BUDGET_BYTES): string | null => {
  const { firstLoadFiles, firstLoadGzip } = measureBundle(distDir);
  if (firstLoadFiles.length === 0)
    return 'index.html references no JS or CSS: the first-load measurement would be empty';
  if (firstLoadGzip <= budget) return null;
  const files = firstLoadFiles.map((f) => `${f.file}: ${f.gzip} B`).join(', ');
  return `first-load JS+CSS is ${firstLoadGzip} B gzip, over the ${budget} B budget (${files}); lazy-load what Home does not need`;
};

/**
 * Fails `vite build` when index.html's JS and CSS exceed the budget. It runs in the build (not in the
 * unit tests, which run on a fresh clone with no dist/), so `npm run build` and `npm test` enforce it.
 */
export const bundleBudget = (budget = FIRST_LOAD_BUDGET_BYTES): Plugin => {
  let outDir = 'dist';
  return {
    name: 'parley:bundle-budget',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const problem = bundleBudgetProblem(outDir, budget);
      if (problem !== null) throw new Error(`bundle budget: ${problem}`);
    },
  };
};
