import { err, ok, type Result } from '../src/core/result.js';
import { LIMITS } from './limits.js';
import { parseEvent, parseEventShape, readEventId } from './nostr-event.js';
import { parseFilter, type FilterPolicy } from './nostr-filter.js';
import type { ClientMessage, MessageError, NostrFilter } from './nostr-types.js';

const notice = (reason: string): { ok: false; error: MessageError } => err({ type: 'notice', reason });

const parseJson = (frame: string): Result<unknown> => {
  try {
    return ok(JSON.parse(frame) as unknown);
  } catch {
    return err('frame is not valid JSON');
  }
};

const parseSubId = (raw: unknown): Result<string> => {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > LIMITS.maxSubIdChars) {
    return err(`subscription id must be a string of 1 to ${LIMITS.maxSubIdChars} characters`);
  }
  return ok(raw);
};

/** What a relay adds to plain NIP-01 parsing. */
export interface ParseOptions {
  /**
   * Sees an EVENT's claimed id and created_at before its hash and signature are checked (the costly
   * part): a MessageError returned here answers the event without checking it (a replay, a stale
   * event, a client out of budget).
   */
  beforeVerify?: (claim: { id: string; createdAt: unknown }) => MessageError | undefined;
  /** Filter fields and tags the relay accepts (refused before their values are read). */
  filterPolicy?: FilterPolicy;
  /** Checks only an EVENT's shape; it comes back as `UNVERIFIED_EVENT` for the caller to verify (the relay does it on a worker thread). */
  deferVerification?: boolean;
}

const parseEventMessage = (args: unknown[], options: ParseOptions): Result<ClientMessage, MessageError> => {
  if (args.length !== 1) return notice('EVENT takes exactly one event');
  const raw = args[0];
  const claimedId = readEventId(raw);
  if (claimedId !== undefined && options.beforeVerify !== undefined) {
    const createdAt = (raw as Record<string, unknown>)['created_at'];
    const refusal = options.beforeVerify({ id: claimedId, createdAt });
    if (refusal !== undefined) return err(refusal);
  }
  if (options.deferVerification === true) {
    const shaped = parseEventShape(raw);
    if (shaped.ok) return ok({ type: 'UNVERIFIED_EVENT', event: shaped.value });
    return claimedId === undefined
      ? notice(`invalid event: ${shaped.error}`)
      : err({ type: 'rejected-event', eventId: claimedId, reason: shaped.error });
  }
  const event = parseEvent(raw);
  if (event.ok) return ok({ type: 'EVENT', event: event.value });
  const eventId = readEventId(raw);
  if (eventId === undefined) return notice(`invalid event: ${event.error}`);
  return err({ type: 'rejected-event', eventId, reason: event.error });
};

const parseReqMessage = (args: unknown[], options: ParseOptions): Result<ClientMessage, MessageError> => {
  const subId = parseSubId(args[0]);
  if (!subId.ok) return notice(`REQ: ${subId.error}`);
  const rawFilters = args.slice(1);
  if (rawFilters.length === 0) return notice('REQ needs at least one filter');
  if (rawFilters.length > LIMITS.maxFiltersPerReq)
    return notice(`REQ has more than ${LIMITS.maxFiltersPerReq} filters`);
  const filters: NostrFilter[] = [];
  for (const raw of rawFilters) {
    const filter = parseFilter(raw, options.filterPolicy);
    if (!filter.ok) return notice(`REQ: ${filter.error}`);
    filters.push(filter.value);
  }
  return ok({ type: 'REQ', subId: subId.value, filters });
};

const parseCloseMessage = (args: unknown[]): Result<ClientMessage, MessageError> => {
  if (args.length !== 1) return notice('CLOSE takes exactly one subscription id');
  const subId = parseSubId(args[0]);
  if (!subId.ok) return notice(`CLOSE: ${subId.error}`);
  return ok({ type: 'CLOSE', subId: subId.value });
};

const VERB = /^\s*\[\s*"(EVENT|REQ|CLOSE)"/;

/**
 * The verb of a Nostr frame read from its first bytes (`head`, a few dozen characters are enough),
 * without parsing the frame: lets the relay refuse an oversized REQ before it costs a parse.
 * Undefined when the frame does not start like a NIP-01 message (it is then parsed and refused as usual).
 */
export const peekVerb = (head: string): 'EVENT' | 'REQ' | 'CLOSE' | undefined =>
  VERB.exec(head)?.[1] as 'EVENT' | 'REQ' | 'CLOSE' | undefined;

/** Whether a frame of `bytes` starting with `head` is a REQ or CLOSE larger than any this relay accepts. */
export const isOversizedSubscription = (head: string, bytes: number): boolean => {
  if (bytes <= LIMITS.maxSubscriptionFrameBytes) return false;
  const verb = peekVerb(head);
  return verb === 'REQ' || verb === 'CLOSE';
};

export const OVERSIZED_SUBSCRIPTION_NOTICE = `REQ refused: a REQ or CLOSE frame may be at most ${LIMITS.maxSubscriptionFrameBytes} bytes (this relay only forwards topic-tagged signaling)`;
/** The close reason (at most 123 bytes) the server gives a socket that sent one. */
export const OVERSIZED_SUBSCRIPTION_CLOSE = `REQ or CLOSE frame over ${LIMITS.maxSubscriptionFrameBytes} bytes`;

/** Parses one untrusted client text frame into a NIP-01 message, or says why it was refused. Never throws. */
export const parseClientMessage = (frame: string, options: ParseOptions = {}): Result<ClientMessage, MessageError> => {
  if (frame.length > LIMITS.maxFrameChars) return notice(`frame is longer than ${LIMITS.maxFrameChars} characters`);
  // Characters, not bytes, here: at most as many as the bytes the server already checked.
  if (isOversizedSubscription(frame.slice(0, 32), frame.length)) return notice(OVERSIZED_SUBSCRIPTION_NOTICE);
  const json = parseJson(frame);
  if (!json.ok) return notice(json.error);
  const value = json.value;
  if (!Array.isArray(value) || value.length === 0) return notice('frame must be a non-empty JSON array');
  const [verb, ...args] = value as unknown[];
  switch (verb) {
    case 'EVENT':
      return parseEventMessage(args, options);
    case 'REQ':
      return parseReqMessage(args, options);
    case 'CLOSE':
      return parseCloseMessage(args);
    default:
      return notice(
        typeof verb === 'string'
          ? `unsupported message type ${JSON.stringify(verb.slice(0, 20))}`
          : 'message type must be a string',
      );
  }
};
