// Summarises RTCPeerConnection.getStats() entries (https://www.w3.org/TR/webrtc-stats/) into what the
// connection-details panel shows. Entries arrive as plain objects and are treated as untrusted: every
// field is optional and checked, so an odd browser (or a missing field) gives "unknown", never a throw.

/** Most entries read from one report; a real call has a few dozen. */
const MAX_ENTRIES = 1000;
/** Longest string field kept (cipher names are ~40 characters). */
const MAX_TEXT = 80;

type Entry = Readonly<Record<string, unknown>>;

/** A video stream's size and rate. */
export interface VideoFormat {
  width: number;
  height: number;
  fps: number | null;
}

/** One look at the connection; every field null when the browser did not say. */
export interface ConnectionSummary {
  /** Direct (host/STUN candidates on both ends) or through a TURN relay. */
  route: 'direct' | 'relayed' | null;
  /** Candidate types of the selected pair ("host", "srflx", "prflx", "relay"). */
  localCandidate: string | null;
  remoteCandidate: string | null;
  /** "udp" or "tcp". */
  protocol: string | null;
  rttMs: number | null;
  /** Bits per second since the previous sample (needs two samples). */
  bitrateIn: number | null;
  bitrateOut: number | null;
  /** Fraction (0..1) of packets lost on the way to us since the previous sample (or since the start). */
  lossIn: number | null;
  /** Fraction (0..1) of our packets the other side reported lost (its latest receiver report). */
  lossOut: number | null;
  videoIn: VideoFormat | null;
  videoOut: VideoFormat | null;
  /** DTLS version as the browser reports it (e.g. "FEFD"); see formatTlsVersion. */
  tlsVersion: string | null;
  dtlsCipher: string | null;
  srtpCipher: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
const text = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' && v.length <= MAX_TEXT && /^[\x20-\x7E]+$/.test(v) ? v : null;

/** Indexes the entries that look like stats (objects with a string id and type). */
const index = (entries: readonly unknown[]): Map<string, Entry> => {
  const byId = new Map<string, Entry>();
  for (const e of entries.slice(0, MAX_ENTRIES)) {
    if (typeof e !== 'object' || e === null) continue;
    const r = e as Entry;
    if (typeof r['id'] === 'string' && typeof r['type'] === 'string') byId.set(r['id'], r);
  }
  return byId;
};
const ofType = (byId: Map<string, Entry>, type: string): Entry[] =>
  [...byId.values()].filter((e) => e['type'] === type);
const linked = (byId: Map<string, Entry>, id: unknown, type: string): Entry | null => {
  const e = typeof id === 'string' ? byId.get(id) : undefined;
  return e && e['type'] === type ? e : null;
};

/** The transport in use and its selected candidate pair (Chromium names it on the transport; others flag the pair). */
const selected = (byId: Map<string, Entry>): { transport: Entry | null; pair: Entry | null } => {
  const transports = ofType(byId, 'transport');
  for (const transport of transports) {
    const pair = linked(byId, transport['selectedCandidatePairId'], 'candidate-pair');
    if (pair) return { transport, pair };
  }
  const pairs = ofType(byId, 'candidate-pair');
  const pair =
    pairs.find((p) => p['selected'] === true) ??
    pairs.find((p) => p['nominated'] === true && p['state'] === 'succeeded') ??
    null;
  return { transport: transports[0] ?? null, pair };
};

/**
 * Every byte the connection has received, over all its transports (media, RTCP, data channels and ICE
 * checks alike: on a path that is down nothing at all arrives), or null when the browser does not say.
 */
export const bytesReceived = (entries: readonly unknown[]): number | null => {
  const counts = ofType(index(entries), 'transport').map((t) => num(t['bytesReceived']));
  return counts.length === 0 || counts.includes(null) ? null : counts.reduce<number>((a, b) => a + (b ?? 0), 0);
};

/** Byte and packet counters, for rates between two samples. */
interface Counters {
  at: number | null;
  bytesIn: number | null;
  bytesOut: number | null;
  packetsReceived: number;
  packetsLost: number;
}

const counters = (byId: Map<string, Entry>): Counters => {
  const { pair } = selected(byId);
  let packetsReceived = 0;
  let packetsLost = 0;
  for (const r of ofType(byId, 'inbound-rtp')) {
    packetsReceived += num(r['packetsReceived']) ?? 0;
    // packetsLost is signed in RTCP (duplicates make it negative): a negative count adds nothing.
    packetsLost += num(r['packetsLost']) ?? 0;
  }
  return {
    at: num(pair?.['timestamp']),
    bytesIn: num(pair?.['bytesReceived']),
    bytesOut: num(pair?.['bytesSent']),
    packetsReceived,
    packetsLost,
  };
};

/** Bits per second between two byte counts; null without both, or when a counter went backwards (a new connection). */
const rate = (
  bytes: number | null,
  before: number | null,
  at: number | null,
  beforeAt: number | null,
): number | null => {
  if (bytes === null || before === null || at === null || beforeAt === null || at <= beforeAt || bytes < before)
    return null;
  return ((bytes - before) * 8 * 1000) / (at - beforeAt);
};

const lossFraction = (received: number, lost: number): number | null =>
  received + lost > 0 ? lost / (received + lost) : null;

/** The largest video stream of `type` and its frame rate. */
const video = (byId: Map<string, Entry>, type: 'inbound-rtp' | 'outbound-rtp'): VideoFormat | null => {
  let best: VideoFormat | null = null;
  for (const r of ofType(byId, type)) {
    if (r['kind'] !== 'video') continue;
    const width = num(r['frameWidth']);
    const height = num(r['frameHeight']);
    if (width === null || height === null || width === 0 || height === 0) continue;
    if (best === null || width * height > best.width * best.height)
      best = { width, height, fps: num(r['framesPerSecond']) };
  }
  return best;
};

/**
 * What the connection looks like in `current`, with rates measured against `previous` (the sample
 * taken a moment before, or null for the first).
 */
export const summariseStats = (current: readonly unknown[], previous: readonly unknown[] | null): ConnectionSummary => {
  const byId = index(current);
  const { transport, pair } = selected(byId);
  const local = linked(byId, pair?.['localCandidateId'], 'local-candidate');
  const remote = linked(byId, pair?.['remoteCandidateId'], 'remote-candidate');
  const localCandidate = text(local?.['candidateType']);
  const remoteCandidate = text(remote?.['candidateType']);
  const route =
    localCandidate === null || remoteCandidate === null
      ? null
      : localCandidate === 'relay' || remoteCandidate === 'relay'
        ? 'relayed'
        : 'direct';

  const now = counters(byId);
  const before = previous === null ? null : counters(index(previous));
  const lossIn =
    before && now.packetsReceived >= before.packetsReceived && now.packetsLost >= before.packetsLost
      ? lossFraction(now.packetsReceived - before.packetsReceived, now.packetsLost - before.packetsLost)
      : lossFraction(now.packetsReceived, now.packetsLost);
  const reported = ofType(byId, 'remote-inbound-rtp')
    .map((r) => num(r['fractionLost']))
    .filter((f): f is number => f !== null && f <= 1);
  const rttSeconds =
    num(pair?.['currentRoundTripTime']) ?? num(ofType(byId, 'remote-inbound-rtp')[0]?.['roundTripTime']);

  return {
    route,
    localCandidate,
    remoteCandidate,
    protocol: text(local?.['protocol']),
    rttMs: rttSeconds === null ? null : rttSeconds * 1000,
    bitrateIn: rate(now.bytesIn, before?.bytesIn ?? null, now.at, before?.at ?? null),
    bitrateOut: rate(now.bytesOut, before?.bytesOut ?? null, now.at, before?.at ?? null),
    lossIn,
    lossOut: reported.length > 0 ? Math.max(...reported) : null,
    videoIn: video(byId, 'inbound-rtp'),
    videoOut: video(byId, 'outbound-rtp'),
    tlsVersion: text(transport?.['tlsVersion']),
    dtlsCipher: text(transport?.['dtlsCipher']),
    srtpCipher: text(transport?.['srtpCipher']),
  };
};

/** How the call is doing, in a word the header shows next to a colour. */
export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

/** Good / fair / poor from round-trip time, packet loss (either way) and the frame rate we receive. */
export const connectionQuality = (s: ConnectionSummary): Quality => {
  const loss = Math.max(s.lossIn ?? 0, s.lossOut ?? 0);
  const fps = s.videoIn?.fps ?? null;
  if (s.rttMs === null && s.lossIn === null && s.lossOut === null) return 'unknown';
  if ((s.rttMs ?? 0) > 400 || loss > 0.05 || (fps !== null && fps < 10)) return 'poor';
  if ((s.rttMs ?? 0) > 200 || loss > 0.02 || (fps !== null && fps < 20)) return 'fair';
  return 'good';
};
