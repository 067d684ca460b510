import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Issue 16's goals, each printed beside the figure this run measured. A bench reports a goal only
 * with a figure it measured; a measurement that could not be made throws instead (the bench fails
 * with the reason), so "not met" always means measured and short, never "could not tell".
 */
export interface GoalResult {
  /** The goal as the issue states it, e.g. "connect ≤ 1.0× bare Trystero". */
  goal: string;
  /** What this run measured, with its unit (a ratio, a count, KB). */
  figure: string;
  met: boolean;
}

const resultsFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'bench-goals.jsonl');

export const goalLine = (r: GoalResult): string => `  ${r.met ? 'met    ' : 'NOT MET'}  ${r.goal}: ${r.figure}`;

/** Prints the goal with its figure and keeps it for the summary at the end of `npm run bench`. */
export const reportGoal = (r: GoalResult): void => {
  if (r.figure.trim() === '' || /\bNaN\b|undefined|\?/.test(r.figure)) throw new Error(`bench: goal "${r.goal}" has no measured figure ("${r.figure}")`);
  console.log(goalLine(r));
  mkdirSync(dirname(resultsFile), { recursive: true });
  appendFileSync(resultsFile, `${JSON.stringify(r)}\n`);
};

/** Forgets the goals of an earlier run (global setup). */
export const clearGoals = (): void => rmSync(resultsFile, { force: true });

/** The goals this run reported, in order. */
export const readGoals = (): GoalResult[] => {
  let text = '';
  try {
    text = readFileSync(resultsFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as GoalResult);
};
