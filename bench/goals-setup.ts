import { startGoals } from './goals';

/** Each `npm run bench` starts with no goals reported: the summary shows only this run's figures. */
export default function globalSetup(): void {
  startGoals();
}
