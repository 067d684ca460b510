// Chat limits: what a chat message may hold, how fast one may be sent, how many are kept.
// Chat text is untrusted on both ends: it is only ever rendered as a text node, never as HTML.

/**
 * Longest chat message, in UTF-16 code units (what the input's maxLength counts). With the clean-up
 * below, every character encodes to at most 2 JSON characters, so a full message still fits in
 * MAX_MESSAGE_BYTES (4096) with its envelope.
 */
export const MAX_CHAT_LENGTH = 2000;
/** Messages kept in memory for one call; older ones fall off so a long call cannot grow memory. */
export const MAX_CHAT_HISTORY = 200;
/** What the sender allows itself: bursts of 5, then one a second. */
export const CHAT_SEND_BUDGET = { capacity: 5, perSecond: 1 } as const;
/**
 * What a receiver accepts from its partner, on top of the data-channel budget. Twice the sender's
 * burst: a network stall can deliver a sender's honest messages bunched together.
 */
export const CHAT_RECEIVE_BUDGET = { capacity: 10, perSecond: 1 } as const;

// Control characters other than tab and newline (they would be escaped to 6 JSON characters, and
// mean nothing in a chat), and lone surrogates (invalid UTF-16, also escaped by JSON.stringify).
const UNWANTED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are refused.
  /[\u0000-\u0008\u000B-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes control characters (keeping tab and newline), turns lone surrogates into U+FFFD, and normalises CRLF. */
export const cleanChatText = (text: string): string =>
  text
    .replace(/\r\n?/g, '\n')
    .replace(UNWANTED, (c) => (c.length === 1 && c >= '\uD800' && c <= '\uDFFF' ? '\uFFFD' : ''));

/** Whether `text` is a chat message as the wire carries it: cleaned, not blank, within the cap. */
export const isChatText = (text: unknown): text is string =>
  typeof text === 'string' && text.length <= MAX_CHAT_LENGTH && text.trim() !== '' && cleanChatText(text) === text;

/** Why a message could not be sent. */
export type ChatRefusal = 'empty' | 'too-long' | 'too-fast';

/** Checks a typed message before sending: the text to send, or why not (rate is the caller's bucket). */
export const prepareChat = (
  typed: string,
): { ok: true; text: string } | { ok: false; reason: 'empty' | 'too-long' } => {
  const text = cleanChatText(typed);
  if (text.trim() === '') return { ok: false, reason: 'empty' };
  if (text.length > MAX_CHAT_LENGTH) return { ok: false, reason: 'too-long' };
  return { ok: true, text };
};

/**
 * What a partner's chat frames may carry besides the text: `id` numbers a message within one
 * conversation (the sender's count), so a message sent again after a re-dial, which the receiver may
 * already have got over the old path, is shown once; `chat-ack` confirms one such id.
 */
export type ChatFrame = { type: 'chat'; id: number; text: string } | { type: 'chat-ack'; id: number };

/** A message id as the wire carries it: a non-negative safe integer, never -0 (no encoder writes it; see protocol.ts's isTime). */
export const isChatId = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0);

/** Parses the fields of an untrusted `chat` / `chat-ack` frame (type already read); null when malformed. */
export const parseChatFrame = (type: 'chat' | 'chat-ack', r: Record<string, unknown>): ChatFrame | null => {
  const id = r['id'];
  if (!isChatId(id)) return null;
  if (type === 'chat-ack') return { type, id };
  const text = r['text'];
  return isChatText(text) ? { type, id, text } : null;
};

/**
 * Unconfirmed messages (sent but not acknowledged, or queued while the partner is away) are kept to
 * be sent again, up to this many bytes of text (UTF-16, as held in memory): 8 full-length messages.
 * Past it, a new message is shown as not sent at once.
 */
export const CHAT_OUTBOX_BYTES = 32 * 1024;
/**
 * A message not confirmed this long after it was typed is shown as not sent, with a retry. Shorter
 * than the recovery window (20 s), so a person sees it while the call is still trying; longer than a
 * re-dial (a path lost for good is back within 5 s of being noticed, 3 s of silence after the loss).
 */
export const CHAT_UNSENT_AFTER_MS = 15_000;
/**
 * A message sent but not confirmed after this long is sent again (the partner drops the repeat by its
 * id): after a re-dial one side may send before the other has taken it back as its partner, and a
 * message arriving then is not the partner's yet, so it is neither shown nor confirmed.
 */
export const CHAT_RESEND_MS = 2_000;
/** Ids of the partner's messages remembered to drop a repeat (older ones are far outside any resend). */
export const CHAT_SEEN_IDS = 2 * MAX_CHAT_HISTORY;
