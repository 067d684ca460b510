import en from './en';
import enRelay from './en-relay';
import enRoom from './en-room';
import { placeholders, type Message } from './message';

/** Every part of English: what every other catalog must match. */
export const english: Readonly<Record<string, Message>> = { ...en, ...enRoom, ...enRelay };

/** Differences between a translation and English: keys missing or extra, placeholders not the same. */
export const catalogProblems = (lang: string, catalog: Record<string, Message>): string[] => {
  const problems: string[] = [];
  for (const key of Object.keys(english)) if (!(key in catalog)) problems.push(`${lang}: missing "${key}"`);
  for (const key of Object.keys(catalog)) if (!(key in english)) problems.push(`${lang}: extra "${key}"`);
  for (const [key, value] of Object.entries(catalog)) {
    const want = english[key];
    if (want === undefined) continue;
    const a = [...placeholders(want)].sort().join(',');
    const b = [...placeholders(value)].sort().join(',');
    if (a !== b) problems.push(`${lang}: "${key}" has {${b}}, English has {${a}}`);
    if (typeof value !== 'string' && typeof want === 'string')
      problems.push(`${lang}: "${key}" is plural, English is not`);
    if (typeof value === 'string' && typeof want !== 'string') problems.push(`${lang}: "${key}" needs plural forms`);
  }
  return problems;
};
