import { language, t } from './i18n/i18n';

// One formatter per language: `toLocaleTimeString` builds a new one on every call (~10 ms here), and
// the call screen shows a time on every clock tick, so that cost landed on connecting to someone.
const clockTimes = new Map<string, Intl.DateTimeFormat>();

/** A clock time in the chosen language's conventions, e.g. "14:37". */
export const formatTime = (ms: number): string => {
  const lang = language.value;
  let f = clockTimes.get(lang);
  if (!f) clockTimes.set(lang, (f = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' })));
  return f.format(ms);
};

/** A duration for "time left", coarse enough to read at a glance: "23 h 5 min", "14 min", "45 s". */
export const formatDuration = (ms: number): string => {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return t('duration.seconds', { s });
  // Whole minutes, rounded down: "1 h" until a full hour has gone, never "1 h 1 min" for 60 min 30 s.
  const m = Math.floor(s / 60);
  if (m < 60) return t('duration.minutes', { m });
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? t('duration.hours', { h }) : t('duration.hoursMinutes', { h, m: m % 60 });
};
