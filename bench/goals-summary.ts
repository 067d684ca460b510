import { GOALS, goalLine, readGoals } from './goals';

/** Prints every issue-16 goal beside the figure this run measured ("met" / "NOT MET"), or says no bench measured it. */
export default function globalTeardown(): void {
  const goals = readGoals();
  const met = goals.filter((g) => g.met).length;
  const lines = ['', `issue 16 goals, this run: ${met} of ${goals.length} measured goals met`, ...goals.map(goalLine)];
  for (const goal of Object.values(GOALS))
    if (!goals.some((g) => g.goal === goal)) lines.push(`  —        ${goal}: not measured in this run`);
  console.log([...lines, ''].join('\n'));
}
