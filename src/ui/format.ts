// One formatter for the page: `toLocaleTimeString` builds a new one on every call (~10 ms here), and
// the call screen shows a time on every clock tick, so that cost landed on connecting to someone.
let clockTime: Intl.DateTimeFormat | null = null;

/** A clock time in the person's locale, e.g. "14:37". */
export const formatTime = (ms: number): string =>
  (clockTime ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })).format(ms);

/** A duration for "time left", coarse enough to read at a glance: "23 h 5 min", "14 min", "45 s". */
export const formatDuration = (ms: number): string => {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  // Whole minutes, rounded down: "1 h" until a full hour has gone, never "1 h 1 min" for 60 min 30 s.
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
};
