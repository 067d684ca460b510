import { err, ok, type Result } from '../src/core/result.js';
import { LIMITS } from './limits.js';

/** An SDP offer a peer hands the tracker to pass on to another peer of the swarm. */
export interface TrackerOffer {
  offerId: string;
  sdp: string;
}

/**
 * A WebTorrent tracker client message (what @trystero-p2p/torrent and webtorrent send over WebSocket):
 * an announce, possibly carrying offers for other peers, or an answer to one peer's offer.
 */
export type TrackerMessage =
  | { type: 'announce'; infoHash: string; peerId: string; numwant: number; offers: TrackerOffer[]; stopped: boolean }
  | { type: 'answer'; infoHash: string; peerId: string; toPeerId: string; offerId: string; sdp: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// info_hash and peer_id are 20-character strings: 20 raw bytes as latin1 (webtorrent) or 20 hex characters (Trystero).
// biome-ignore lint/suspicious/noControlCharactersInRegex: any latin1 byte is a valid id byte, control bytes included.
const ID20 = /^[\u0000-\u00ff]{20}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as ID20, any latin1 byte.
const OFFER_ID = /^[\u0000-\u00ff]{1,40}$/;
const KNOWN_FIELDS = new Set([
  'action',
  'info_hash',
  'peer_id',
  'numwant',
  'offers',
  'answer',
  'offer_id',
  'to_peer_id',
  'left',
  'uploaded',
  'downloaded',
  'event',
]);
const EVENTS = new Set(['started', 'stopped', 'completed', 'update']);

const parseSdp = (raw: unknown, type: 'offer' | 'answer'): Result<string> => {
  if (!isRecord(raw) || raw['type'] !== type) return err(`${type} must be an object with type "${type}"`);
  const sdp = raw['sdp'];
  if (typeof sdp !== 'string' || sdp.length === 0 || sdp.length > LIMITS.maxSdpChars) {
    return err(`${type}.sdp must be a string of 1 to ${LIMITS.maxSdpChars} characters`);
  }
  return ok(sdp);
};

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const parseOffers = (raw: unknown): Result<TrackerOffer[]> => {
  if (raw === undefined) return ok([]);
  if (!Array.isArray(raw)) return err('offers must be an array');
  if (raw.length > LIMITS.maxOffersPerAnnounce) return err(`more than ${LIMITS.maxOffersPerAnnounce} offers`);
  const offers: TrackerOffer[] = [];
  for (const item of raw) {
    if (!isRecord(item)) return err('each offer must be an object');
    const offerId = item['offer_id'];
    if (typeof offerId !== 'string' || !OFFER_ID.test(offerId))
      return err('offer_id must be a string of 1 to 40 characters');
    const sdp = parseSdp(item['offer'], 'offer');
    if (!sdp.ok) return sdp;
    offers.push({ offerId, sdp: sdp.value });
  }
  return ok(offers);
};

/** Parses one untrusted tracker frame. Unknown fields and actions other than announce are refused. Never throws. */
export const parseTrackerMessage = (frame: string): Result<TrackerMessage> => {
  if (frame.length > LIMITS.maxFrameChars) return err(`frame is longer than ${LIMITS.maxFrameChars} characters`);
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return err('frame is not valid JSON');
  }
  if (!isRecord(value)) return err('frame must be a JSON object');
  for (const key of Object.keys(value))
    if (!KNOWN_FIELDS.has(key)) return err(`unsupported field ${JSON.stringify(key.slice(0, 20))}`);
  if (value['action'] !== 'announce') return err('only the announce action is supported');
  const infoHash = value['info_hash'];
  const peerId = value['peer_id'];
  if (typeof infoHash !== 'string' || !ID20.test(infoHash)) return err('info_hash must be a 20-character string');
  if (typeof peerId !== 'string' || !ID20.test(peerId)) return err('peer_id must be a 20-character string');
  for (const field of ['left', 'uploaded', 'downloaded', 'numwant']) {
    if (value[field] !== undefined && !isCount(value[field])) return err(`${field} must be a non-negative integer`);
  }
  const event = value['event'];
  if (event !== undefined && (typeof event !== 'string' || !EVENTS.has(event)))
    return err('event must be started, stopped, completed or update');

  if (value['answer'] !== undefined) {
    const sdp = parseSdp(value['answer'], 'answer');
    if (!sdp.ok) return sdp;
    const offerId = value['offer_id'];
    const toPeerId = value['to_peer_id'];
    if (typeof offerId !== 'string' || !OFFER_ID.test(offerId))
      return err('offer_id must be a string of 1 to 40 characters');
    if (typeof toPeerId !== 'string' || !ID20.test(toPeerId)) return err('to_peer_id must be a 20-character string');
    if (value['offers'] !== undefined) return err('an answer carries no offers');
    return ok({ type: 'answer', infoHash, peerId, toPeerId, offerId, sdp: sdp.value });
  }
  if (value['offer_id'] !== undefined || value['to_peer_id'] !== undefined)
    return err('offer_id and to_peer_id belong to an answer');
  const offers = parseOffers(value['offers']);
  if (!offers.ok) return offers;
  const numwant = typeof value['numwant'] === 'number' ? value['numwant'] : 0;
  return ok({ type: 'announce', infoHash, peerId, numwant, offers: offers.value, stopped: event === 'stopped' });
};
