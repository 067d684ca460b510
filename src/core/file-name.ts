// A file name from the peer is untrusted: it becomes the `download` attribute (or the save picker's
// suggested name) and is shown as text. Sanitising keeps it a single, plain, portable name.

/** Longest name we suggest for saving, in UTF-16 units (filesystems cap names at 255 bytes). */
export const MAX_SAVE_NAME = 120;
/** The name used when nothing usable is left. */
export const FALLBACK_NAME = 'file';

// C0 and C1 controls and DEL; bidirectional overrides, embeddings, isolates and marks (they can
// make "txt.exe" read as "exe.txt"); zero-width characters and the BOM; lone surrogates.
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are removed.
  /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Path separators and the characters Windows refuses in names. */
const RESERVED_CHARS = /[/\\:*?"<>|]/g;
/** Device names Windows reserves, with or without an extension. */
const RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Cuts `s` to at most `max` UTF-16 units without splitting a surrogate pair. */
const cut = (s: string, max: number): string => {
  if (s.length <= max) return s;
  const end = /[\uD800-\uDBFF]/.test(s.charAt(max - 1)) ? max - 1 : max;
  return s.slice(0, end);
};

/**
 * A safe name to save a peer's file under: one name (no path), no control or bidi characters, no
 * characters or device names Windows refuses, no leading dots (hidden files) or trailing dots and
 * spaces, at most MAX_SAVE_NAME units with the extension kept where it fits.
 */
export const sanitiseFileName = (raw: string): string => {
  let name = raw.normalize('NFC').replace(INVISIBLE, '').replace(RESERVED_CHARS, '_');
  name = name.replace(/\s+/g, ' ').trim();
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (RESERVED_NAMES.test(name)) name = `_${name}`;
  if (name.length > MAX_SAVE_NAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = `${cut(name.slice(0, name.length - ext.length), MAX_SAVE_NAME - ext.length).trimEnd()}${ext}`;
  }
  return name === '' ? FALLBACK_NAME : name;
};
