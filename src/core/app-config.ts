import { err, ok, type Result } from './result.js';

/** Signaling transports the app knows. Nostr is the default: fastest discovery, many public relays. */
export type Strategy = 'nostr' | 'torrent';
/** The strategy when config.json names none. */
export const DEFAULT_STRATEGY: Strategy = 'nostr';

/** An ICE server entry, the subset of RTCIceServer we accept from config. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** Runtime configuration read from `config.json` beside `index.html`, so one static build serves every deployment. */
export interface AppConfig {
  strategy: Strategy;
  /** WebSocket URLs (ws:// or wss://) of Nostr relays or WebTorrent trackers. */
  relays: string[];
  iceServers: IceServer[];
  /** `relay`: media only through TURN (hides each side's address from the other); absent means `all`. */
  iceTransportPolicy?: 'relay';
  /** Largest file received into memory (where the browser cannot stream it to disk); absent means 512 MiB. */
  maxFileBytes?: number;
}

/**
 * Why config.json could not be used (the UI words it). `path` is where it was fetched from; `detail` is the
 * validator's own account of the wrong field, for the site's deployer (it names config.json's fields, so it
 * stays as written).
 */
export type ConfigProblem =
  | { kind: 'network'; path: string }
  | { kind: 'cancelled'; path: string }
  | { kind: 'status'; path: string; status: number }
  | { kind: 'not-json'; path: string }
  | { kind: 'invalid'; path: string; detail: string };

/** Bounds for `maxFileBytes`: at least 1 MiB (smaller is surely a typo), at most 8 GiB (a tab's memory). */
export const MAX_FILE_BYTES_RANGE = { min: 2 ** 20, max: 2 ** 33 } as const;

const parseMaxFileBytes = (raw: unknown): Result<number | undefined> => {
  if (raw === undefined) return ok(undefined);
  const { min, max } = MAX_FILE_BYTES_RANGE;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < min || raw > max)
    return err(
      `"maxFileBytes" must be a whole number of bytes from ${min} (1 MiB) to ${max} (8 GiB), e.g. 536870912 for 512 MiB (got ${JSON.stringify(raw)?.slice(0, 40)})`,
    );
  return ok(raw);
};

const MAX_RELAYS = 32;
const MAX_ICE_SERVERS = 16;
const MAX_URL_LENGTH = 512;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const parseUrl = (raw: unknown, schemes: readonly string[], where: string): Result<string> => {
  if (typeof raw !== 'string' || raw.length === 0) return err(`${where} must be a non-empty string`);
  if (raw.length > MAX_URL_LENGTH) return err(`${where} is longer than ${MAX_URL_LENGTH} characters`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined || !schemes.includes(scheme)) {
    return err(`${where} must start with ${schemes.map((s) => `${s}:`).join(' or ')} (got "${raw.slice(0, 60)}")`);
  }
  return ok(raw);
};

const parseIceServer = (raw: unknown, where: string): Result<IceServer> => {
  if (!isRecord(raw)) return err(`${where} must be an object`);
  const urlsRaw = typeof raw['urls'] === 'string' ? [raw['urls']] : raw['urls'];
  if (!Array.isArray(urlsRaw) || urlsRaw.length === 0)
    return err(`${where}.urls must be a URL or a non-empty list of URLs`);
  const urls: string[] = [];
  for (const [i, u] of urlsRaw.entries()) {
    const parsed = parseUrl(u, ['stun', 'stuns', 'turn', 'turns'], `${where}.urls[${i}]`);
    if (!parsed.ok) return parsed;
    urls.push(parsed.value);
  }
  const server: IceServer = { urls };
  for (const field of ['username', 'credential'] as const) {
    const v = raw[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > MAX_URL_LENGTH) return err(`${where}.${field} must be a string`);
    server[field] = v;
  }
  // The browser refuses a TURN entry without both (RTCPeerConnection throws), so say so here, by name.
  if (urls.some((u) => /^turns?:/i.test(u)) && (server.username === undefined || server.credential === undefined)) {
    return err(`${where} lists a TURN URL, so it needs both "username" and "credential"`);
  }
  return ok(server);
};

/** Validates an untrusted `config.json` body into an AppConfig, or says exactly which field is wrong. */
export const parseAppConfig = (raw: unknown): Result<AppConfig> => {
  if (!isRecord(raw)) return err('config.json must hold a JSON object');
  const strategy = raw['strategy'] ?? DEFAULT_STRATEGY;
  if (strategy !== 'nostr' && strategy !== 'torrent') {
    return err(`"strategy" must be "nostr" or "torrent" (got ${JSON.stringify(strategy)?.slice(0, 40)})`);
  }
  const relaysRaw = raw['relays'];
  if (!Array.isArray(relaysRaw) || relaysRaw.length === 0)
    return err('"relays" must be a non-empty list of ws:// or wss:// URLs');
  if (relaysRaw.length > MAX_RELAYS) return err(`"relays" lists more than ${MAX_RELAYS} entries`);
  const relays: string[] = [];
  for (const [i, r] of relaysRaw.entries()) {
    const parsed = parseUrl(r, ['ws', 'wss'], `"relays"[${i}]`);
    if (!parsed.ok) return parsed;
    relays.push(parsed.value);
  }
  const iceRaw = raw['iceServers'] ?? [];
  if (!Array.isArray(iceRaw)) return err('"iceServers" must be a list');
  if (iceRaw.length > MAX_ICE_SERVERS) return err(`"iceServers" lists more than ${MAX_ICE_SERVERS} entries`);
  const iceServers: IceServer[] = [];
  for (const [i, s] of iceRaw.entries()) {
    const parsed = parseIceServer(s, `"iceServers"[${i}]`);
    if (!parsed.ok) return parsed;
    iceServers.push(parsed.value);
  }
  const policy = raw['iceTransportPolicy'] ?? 'all';
  if (policy !== 'all' && policy !== 'relay') return err('"iceTransportPolicy" must be "all" or "relay"');
  if (policy === 'relay' && !iceServers.some((s) => s.urls.some((u) => /^turns?:/i.test(u)))) {
    return err('"iceTransportPolicy": "relay" needs at least one TURN server in "iceServers"');
  }
  const maxFileBytes = parseMaxFileBytes(raw['maxFileBytes']);
  if (!maxFileBytes.ok) return maxFileBytes;
  return ok({
    strategy,
    relays,
    iceServers,
    ...(policy === 'relay' ? { iceTransportPolicy: policy } : {}),
    ...(maxFileBytes.value === undefined ? {} : { maxFileBytes: maxFileBytes.value }),
  });
};
