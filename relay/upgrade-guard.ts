import { checkAccessToken } from './access-token.js';
import { isValidHostHeader } from './config-response.js';
import type { RefusalReason } from './metrics.js';
import { DIAGNOSIS_PARAM, type RelayProtocol } from '../src/core/relay-probe.js';

/**
 * The WebSocket upgrade's guard chain as a pure function: the request's facts in, accept or refuse
 * out. Nothing here can throw on client input (a target `new URL` cannot parse is a 400), so no
 * request can take down the process that every call on this relay depends on.
 */

/** WebSocket paths we answer: `/` (Nostr and tracker alike) and `/announce` (what trackers usually use). */
export const WS_PATHS: ReadonlySet<string> = new Set(['/', '/announce']);
/** Longer targets are not ours (ours are `/` or `/?token=` plus ~100 characters). */
const MAX_TARGET_CHARS = 2048;
const BASE = 'http://relay.invalid';

export interface RequestTarget {
  path: string;
  query: URLSearchParams;
}

/**
 * Parses an origin-form request target (`/path?query`). Absolute-form (`http://a:99999/`),
 * scheme-relative (`//x`), backslash tricks (`/\x`, which URL parsing turns into a host) and
 * anything unparseable give undefined, never an exception.
 */
export const parseRequestTarget = (target: string | undefined): RequestTarget | undefined => {
  if (
    target === undefined ||
    target.length === 0 ||
    target.length > MAX_TARGET_CHARS ||
    !target.startsWith('/') ||
    target.startsWith('//')
  )
    return undefined;
  let url: URL;
  try {
    url = new URL(target, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE) return undefined;
  return { path: url.pathname, query: url.searchParams };
};

export interface UpgradeFacts {
  method: string | undefined;
  target: string | undefined;
  host: string | undefined;
  origin: string | undefined;
  /** The relay is shutting down. */
  closing: boolean;
  /** Open WebSockets, in all and from the client's address group. */
  connections: number;
  groupConnections: number;
  nowSeconds: number;
}

export interface UpgradePolicy {
  maxConnections: number;
  maxConnectionsPerGroup: number;
  allowsHost(host: string): boolean;
  allowsOrigin(origin: string, host: string | undefined): boolean;
  /** When set, a WebSocket needs `?token=` signed with this secret. */
  tokenSecret?: Uint8Array | undefined;
  /** Takes one new-connection token from the address group's bucket; asked last, only for an otherwise acceptable request. */
  takeOpenToken(): boolean;
}

export interface UpgradeRefusal {
  accept: false;
  status: number;
  reason: RefusalReason;
  text: string;
}

export type UpgradeDecision = { accept: true; path: string } | UpgradeRefusal;

const refuse = (status: number, reason: RefusalReason, text: string): UpgradeRefusal => ({
  accept: false,
  status,
  reason,
  text,
});

export const checkUpgrade = (facts: UpgradeFacts, policy: UpgradePolicy): UpgradeDecision => {
  if (facts.closing) return refuse(503, 'capacity', 'relay is shutting down');
  if (facts.method !== 'GET') return refuse(405, 'bad_request', 'a WebSocket upgrade is a GET');
  const target = parseRequestTarget(facts.target);
  if (target === undefined) return refuse(400, 'bad_request', 'bad request target');
  // Browsers always send Host; a name we were not told about is DNS rebinding or a misrouted request.
  if (facts.host !== undefined && !policy.allowsHost(facts.host)) {
    return isValidHostHeader(facts.host)
      ? refuse(421, 'host', 'this relay does not answer for that host name')
      : refuse(400, 'host', 'bad Host header');
  }
  if (!WS_PATHS.has(target.path)) return refuse(404, 'invalid', 'no WebSocket endpoint here; use /');
  if (facts.connections >= policy.maxConnections) return refuse(503, 'capacity', 'relay is full, try again later');
  if (facts.groupConnections >= policy.maxConnectionsPerGroup)
    return refuse(429, 'ip_connections', 'too many connections from your address');
  // Browsers always send Origin; other clients can claim any, which is why tokens exist.
  if (facts.origin !== undefined && !policy.allowsOrigin(facts.origin, facts.host))
    return refuse(403, 'origin', 'origin not allowed');
  if (policy.tokenSecret !== undefined) {
    const check = checkAccessToken(policy.tokenSecret, target.query.get('token'), facts.nowSeconds);
    if (check !== 'valid') return refuse(401, 'token', `access token ${check}`);
  }
  if (!policy.takeOpenToken())
    return refuse(429, 'rate', 'too many new connections from your address; try again shortly');
  return { accept: true, path: target.path };
};

export type DiagnosisDecision =
  /** `status`: what `checkUpgrade` answers the same request without the parameter (101: accepted). */
  { accept: true; status: number } | UpgradeRefusal;

/**
 * A browser is not told why its WebSocket upgrade was refused (issue 20), so a page may ask: the same
 * URL with `?parley-diagnosis=1` opens a socket, whatever its origin or token, that carries one frame
 * with the status the real upgrade gets, and closes. Null for a request without the parameter.
 *
 * It tells nothing a refused page could not learn by trying (the status is on the wire; only the
 * browser hides it) and carries no signaling. What still refuses it, as any upgrade: a relay
 * shutting down, a bad request, a Host we do not answer for (DNS rebinding gets nothing here
 * either), a path we do not serve, and an address group out of new-connection tokens. Capacity,
 * origin and token do not: those are what it reports.
 */
export const checkDiagnosis = (facts: UpgradeFacts, policy: UpgradePolicy): DiagnosisDecision | null => {
  const target = parseRequestTarget(facts.target);
  if (target === undefined || !target.query.has(DIAGNOSIS_PARAM)) return null;
  // The real request's answer, without spending its new-connection token (the diagnosis spends one below).
  const real = checkUpgrade(facts, { ...policy, takeOpenToken: () => true });
  if (!real.accept && (real.reason === 'bad_request' || real.reason === 'host' || real.reason === 'invalid'))
    return real;
  if (facts.closing) return refuse(503, 'capacity', 'relay is shutting down');
  if (!policy.takeOpenToken())
    return refuse(429, 'rate', 'too many new connections from your address; try again shortly');
  return { accept: true, status: real.accept ? 101 : real.status };
};

/** The diagnosis socket's one frame (read by src/core/relay-probe.ts readDiagnosis). */
export const diagnosisFrame = (status: number, protocols: readonly RelayProtocol[]) => ({
  [DIAGNOSIS_PARAM]: 1,
  status,
  protocols,
});
