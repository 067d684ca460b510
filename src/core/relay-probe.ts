import type { Strategy } from './app-config.js';
import { parseBoundedJson } from './bounded-json.js';

/**
 * Speaking a relay's protocol to see whether it can carry a call (issue 20): a probe opens a socket to
 * the relay, sends one question in the protocol config.json names (a Nostr subscription to a random
 * topic, or a tracker announce of a random info hash) and reads the answers here. Everything a relay
 * sends is untrusted: it is parsed into a typed verdict or ignored, never thrown, and any text of
 * its own is shown as plain text, capped.
 */

/** What a relay speaks: Nostr (NIP-01) or the WebTorrent tracker protocol. */
export type RelayProtocol = 'nostr' | 'tracker';

export const protocolOf = (strategy: Strategy): RelayProtocol => (strategy === 'torrent' ? 'tracker' : 'nostr');

/** Why a Parley relay says it refuses (or would refuse) this page's WebSocket. */
export type RefusalCause = 'origin' | 'token' | 'busy' | 'other';

/** What a probe of one relay found. */
export type RelayVerdict =
  /** It answered our question in the protocol config.json names: it can carry a call. */
  | { kind: 'good' }
  /** It answered in the other protocol. */
  | { kind: 'other-protocol'; speaks: RelayProtocol }
  /** It answered in our protocol, refusing: a NOTICE, a CLOSED, a tracker's failure reason (its words, sanitised). */
  | { kind: 'complaint'; text: string }
  /** Its WebSocket was refused, and a Parley relay's diagnosis said why (the HTTP status of the refusal). */
  | { kind: 'refused'; cause: RefusalCause; status: number }
  /**
   * No WebSocket: nothing answers there, or a server refused the upgrade. A browser is not told the
   * HTTP status of a refused upgrade, and only a Parley relay says more (its diagnosis socket).
   */
  | { kind: 'no-websocket' }
  /** Connected, but no answer to our question in time. */
  | { kind: 'silent' }
  /** Connected, then closed without answering. */
  | { kind: 'hung-up' };

/** The most of a relay's own words we show. */
export const MAX_RELAY_TEXT = 140;
/** Longer frames are not answers to our small question: not parsed. */
const MAX_REPLY_CHARS = 8192;

/**
 * A relay's text made safe to show: control and bidi-override characters become spaces (they could
 * reorder or hide what the line around them says), runs of space collapse, and it is capped.
 */
export const relayText = (raw: string): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const flat = raw.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, ' ');
  const text = flat.replace(/\s+/g, ' ').trim();
  return text.length > MAX_RELAY_TEXT ? `${text.slice(0, MAX_RELAY_TEXT - 1)}…` : text;
};

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** The question a probe asks, and how to recognise the answer to it. */
export interface ProbeQuestion {
  protocol: RelayProtocol;
  /** The frame to send once the socket is open. */
  frame: string;
  /** The subscription id (Nostr) or info_hash (tracker) an answer names. */
  id: string;
}

/**
 * The question for `strategy`, made from 20 random bytes (the caller's CSPRNG): a Nostr REQ for an
 * ephemeral kind tagged with a random topic, shaped as Trystero's own (`kinds`, `since`, `#x`), or a
 * tracker announce of a random info hash with no offers, shaped as a WebTorrent client's. Nobody else
 * is on that topic or hash, so the relay has nothing to send but its own answer.
 */
export const probeQuestion = (strategy: Strategy, random: Uint8Array, nowSeconds: number): ProbeQuestion => {
  const id = hex(random.subarray(0, 10));
  if (protocolOf(strategy) === 'tracker') {
    const frame = JSON.stringify({
      action: 'announce',
      info_hash: id,
      peer_id: hex(random.subarray(10, 20)),
      numwant: 1,
      event: 'started',
      offers: [],
    });
    return { protocol: 'tracker', frame, id };
  }
  const kind = 20000 + ((((random[0] ?? 0) << 8) | (random[1] ?? 0)) % 10000);
  const frame = JSON.stringify(['REQ', id, { kinds: [kind], since: nowSeconds, '#x': [hex(random)] }]);
  return { protocol: 'nostr', frame, id };
};

const parse = (raw: unknown): unknown => parseBoundedJson(raw, MAX_REPLY_CHARS);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const NOSTR_VERBS = new Set(['EVENT', 'OK', 'EOSE', 'CLOSED', 'NOTICE', 'AUTH', 'COUNT']);
const textOf = (v: unknown): string => relayText(typeof v === 'string' ? v : '');

/** Which protocol a frame is in, by its shape alone: a Nostr array with a known verb, or a tracker object. */
const shapeOf = (value: unknown): RelayProtocol | null => {
  if (Array.isArray(value)) return typeof value[0] === 'string' && NOSTR_VERBS.has(value[0]) ? 'nostr' : null;
  if (isRecord(value) && ('failure reason' in value || 'action' in value || 'interval' in value)) return 'tracker';
  return null;
};

/**
 * Reads one frame (untrusted) a relay sent in answer to `question`: a verdict, or null while the
 * answer is still to come (a frame that says nothing about our question, e.g. a Nostr AUTH, an
 * EVENT, or something unreadable). Never throws.
 */
export const readReply = (question: ProbeQuestion, raw: unknown): RelayVerdict | null => {
  const value = parse(raw);
  const shape = shapeOf(value);
  if (shape === null) return null;
  if (shape !== question.protocol) return { kind: 'other-protocol', speaks: shape };
  if (Array.isArray(value)) {
    const [verb, a, b] = value as unknown[];
    if (verb === 'NOTICE') return { kind: 'complaint', text: textOf(a) };
    if (a !== question.id) return null;
    if (verb === 'EOSE') return { kind: 'good' };
    if (verb === 'CLOSED') return { kind: 'complaint', text: textOf(b) };
    return null;
  }
  const r = value as Record<string, unknown>;
  const named = r['info_hash'];
  // A failure that names another info_hash is not about our announce; one that names none is about the frame.
  if (named !== undefined && named !== question.id) return null;
  if (typeof r['failure reason'] === 'string') return { kind: 'complaint', text: textOf(r['failure reason']) };
  return r['action'] === 'announce' && (named === question.id || typeof r['interval'] === 'number')
    ? { kind: 'good' }
    : null;
};

/** The query parameter that asks a Parley relay why it would refuse this page, instead of signaling. */
export const DIAGNOSIS_PARAM = 'parley-diagnosis';

/** The URL of a relay's diagnosis socket: the same URL (so the same CSP source allows it) plus the parameter. */
export const diagnosisUrl = (relayUrl: string): string => {
  const base = relayUrl.split('#', 1)[0] ?? relayUrl;
  return `${base}${base.includes('?') ? '&' : '?'}${DIAGNOSIS_PARAM}=1`;
};

/** What a Parley relay's diagnosis socket says: the HTTP status our real upgrade gets (101: accepted), and its protocols. */
export interface RelayDiagnosis {
  status: number;
  protocols: RelayProtocol[];
}

/** Reads a diagnosis frame (untrusted): `{"parley-diagnosis":1,"status":403,"protocols":["nostr"]}`; null for anything else. */
export const readDiagnosis = (raw: unknown): RelayDiagnosis | null => {
  if (typeof raw !== 'string' || raw.length > 512) return null;
  const value = parse(raw);
  if (!isRecord(value) || value[DIAGNOSIS_PARAM] !== 1) return null;
  const status = value['status'];
  const protocols = value['protocols'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return null;
  if (!Array.isArray(protocols)) return null;
  const known = protocols.filter((p): p is RelayProtocol => p === 'nostr' || p === 'tracker');
  return { status, protocols: [...new Set(known)] };
};

/** A diagnosis as a verdict about our WebSocket that failed. */
export const diagnosisVerdict = (d: RelayDiagnosis | null, protocol: RelayProtocol): RelayVerdict => {
  if (d === null) return { kind: 'no-websocket' };
  if (d.status === 101) {
    // It would take us now: the failure was passing (a restart, a moment's rate limit), unless it speaks only the other protocol.
    const other: RelayProtocol = protocol === 'nostr' ? 'tracker' : 'nostr';
    return d.protocols.includes(protocol) || !d.protocols.includes(other)
      ? { kind: 'no-websocket' }
      : { kind: 'other-protocol', speaks: other };
  }
  const cause: RefusalCause =
    d.status === 403 ? 'origin' : d.status === 401 ? 'token' : d.status === 429 || d.status === 503 ? 'busy' : 'other';
  return { kind: 'refused', cause, status: d.status };
};

/** A verdict that leaves a waiting person unreachable (every kind but 'good'). */
export type RelayFault = Exclude<RelayVerdict, { kind: 'good' }>;

/**
 * Why nobody can reach a person waiting in a room: the most telling relay's verdict, with this page's
 * origin (the setting a relay's operator needs). The UI words it in the person's language.
 */
export interface RelayProblem {
  readonly verdict: RelayFault;
  readonly origin: string;
}

/** The problem to show a waiting person, or null when a relay works (or none was probed). */
export const waitingProblem = (verdicts: readonly RelayVerdict[], origin: string): RelayProblem | null => {
  if (verdicts.length === 0) return null;
  // The most telling verdict speaks for all: a stated cause beats "no connection".
  const rank = (v: RelayVerdict) =>
    v.kind === 'refused' || v.kind === 'other-protocol' ? 0 : v.kind === 'complaint' ? 1 : 2;
  const faults = verdicts.filter((v): v is RelayFault => v.kind !== 'good');
  if (faults.length < verdicts.length) return null;
  return { verdict: [...faults].sort((a, b) => rank(a) - rank(b))[0] as RelayFault, origin };
};

/** Whether two problems say the same (a repeated diagnosis is not announced again). */
export const sameRelayProblem = (a: RelayProblem | null, b: RelayProblem | null): boolean =>
  JSON.stringify(a) === JSON.stringify(b);
