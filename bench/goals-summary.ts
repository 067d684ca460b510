import { goalLine, readGoals } from './goals';

/** Prints every issue-16 goal reported in this run beside its figure ("met" / "NOT MET"). */
export default function globalTeardown(): void {
  const goals = readGoals();
  if (goals.length === 0) return;
  const met = goals.filter((g) => g.met).length;
  console.log(['', `issue 16 goals, this run: ${met} of ${goals.length} met`, ...goals.map(goalLine), ''].join('\n'));
}
