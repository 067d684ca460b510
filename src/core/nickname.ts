// The nickname a person gives a remembered contact (docs/verification.md §"Retained secrets"). It is shown,
// never sent, so the rules are for display: visible text of a sensible length, one line.
import { err, ok, type Result } from './result.js';

export const MAX_NICKNAME_CHARS = 40;

/** Trims and normalises (NFC) a typed nickname; refuses empty, over-long, or control/format characters. */
export const parseNickname = (input: string): Result<string, string> => {
  const name = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name === '') return err('Type a name for this person.');
  if ([...name].length > MAX_NICKNAME_CHARS) return err(`A name has at most ${MAX_NICKNAME_CHARS} characters.`);
  // Control and bidirectional-override characters could make one name look like another.
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return err('That name has invisible characters; type it again.');
  return ok(name);
};
