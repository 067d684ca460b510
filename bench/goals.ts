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

/** Issue 16's goals as the benches name them; one no bench reported is listed as not measured. */
export const GOALS = {
  connect: 'connect ≤ 1.0× bare Trystero (median, same relay, same run)',
  firstLoad: 'first load ≤ 30 KB gzip',
  blip: 'a 5 s blip: video again ≤ 3 s after the network returns (median)',
  lostRecovers: 'a path lost for good: 20 of 20 samples recover',
  lostFast: 'a path lost for good: back ≤ 5 s after the loss is noticed (median of those that came back)',
  parallelRooms: '4 rooms joining in the same second from one address all connect, median ≤ 1.5× one room',
  race: 'race: three at once end in one pair, 100 of 100 runs',
  chatQueued: 'nothing typed is lost: chat sent during a re-dial is queued (a test, not a bench)',
  lighthouseHome: 'Lighthouse Home 100 / 100 / 100 (performance, accessibility, best practices)',
  fileThroughput: 'a file over loopback ≥ 0.8× raw data-channel throughput (median, same run)',
  lighthouseLobby: 'Lighthouse Lobby 100 / 100 / 100 (performance, accessibility, best practices)',
} as const;

/**
 * One file per `npm run bench`: global setup names the run (workers inherit its environment), so two
 * bench runs at once in one checkout do not mix their goals.
 */
const RUN_ENV = 'PARLEY_BENCH_RUN';
const resultsFile = () =>
  join(dirname(fileURLToPath(import.meta.url)), '..', 'build', `bench-goals-${process.env[RUN_ENV] ?? 'adhoc'}.jsonl`);

export const goalLine = (r: GoalResult): string => `  ${r.met ? 'met    ' : 'NOT MET'}  ${r.goal}: ${r.figure}`;

/** Prints the goal with its figure and keeps it for the summary at the end of `npm run bench`. */
export const reportGoal = (r: GoalResult): void => {
  if (r.figure.trim() === '' || /\bNaN\b|undefined|\?/.test(r.figure))
    throw new Error(`bench: goal "${r.goal}" has no measured figure ("${r.figure}")`);
  console.log(goalLine(r));
  const file = resultsFile();
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(r)}\n`);
};

/** Names this run and starts its goals afresh (global setup). */
export const startGoals = (): void => {
  process.env[RUN_ENV] = `${process.pid}-${Date.now()}`;
  rmSync(resultsFile(), { force: true });
};

/** The goals this run reported, in order. */
export const readGoals = (): GoalResult[] => {
  let text = '';
  try {
    text = readFileSync(resultsFile(), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as GoalResult);
};
