// The nickname a person gives a remembered contact (docs/verification.md §"Retained secrets"). It is shown,
// never sent, so the rules are for display: visible text of a sensible length, one line.
import { err, ok, type Result } from './result.js';

export const MAX_NICKNAME_CHARS = 40;

/** Why a typed nickname was refused (the UI words it). */
export type NicknameProblem = { kind: 'empty' } | { kind: 'too-long'; max: number } | { kind: 'invisible' };

/** Trims and normalises (NFC) a typed nickname; refuses empty, over-long, or control/format characters. */
export const parseNickname = (input: string): Result<string, NicknameProblem> => {
  const name = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name === '') return err({ kind: 'empty' });
  if ([...name].length > MAX_NICKNAME_CHARS) return err({ kind: 'too-long', max: MAX_NICKNAME_CHARS });
  // Control and bidirectional-override characters could make one name look like another.
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return err({ kind: 'invisible' });
  return ok(name);
};
