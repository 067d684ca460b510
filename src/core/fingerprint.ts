// DTLS certificate fingerprints as 32 raw SHA-256 bytes (docs/verification.md §"Fingerprints"). Browsers print
// them differently — SDP (RFC 8122 §5) and getStats() use upper-case hex pairs joined by colons,
// RTCCertificate.getFingerprints() lower-case — so everything is normalised to bytes before comparing.
import { err, ok, type Result } from './result.js';

/** Byte length of a SHA-256 fingerprint. */
export const SHA256_FINGERPRINT_BYTES = 32;

const COLON_FORM = /^[0-9a-f]{2}(?::[0-9a-f]{2}){31}$/i;
const PLAIN_FORM = /^[0-9a-f]{64}$/i;

/** Parses a SHA-256 fingerprint ("AB:CD:…" in either case, or 64 hex digits) into 32 bytes; anything else is null. */
export const parseFingerprint = (text: string): Uint8Array | null => {
  const trimmed = text.trim();
  if (!COLON_FORM.test(trimmed) && !PLAIN_FORM.test(trimmed)) return null;
  const hex = trimmed.replaceAll(':', '');
  const bytes = new Uint8Array(SHA256_FINGERPRINT_BYTES);
  for (let i = 0; i < SHA256_FINGERPRINT_BYTES; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
};

/** True when two fingerprints are the same bytes. */
export const sameFingerprint = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * The SHA-256 fingerprint an SDP declares (`a=fingerprint:sha-256 …`, session or media level, RFC 8122 §5);
 * null when there is none, one is malformed, or two of them differ.
 */
export const fingerprintFromSdp = (sdp: string): Uint8Array | null => {
  let found: Uint8Array | null = null;
  for (const line of sdp.split(/\r?\n/)) {
    const match = /^a=fingerprint:(\S+) (.+)$/.exec(line.trim());
    if (match?.[1]?.toLowerCase() !== 'sha-256') continue;
    const bytes = parseFingerprint(match[2] ?? '');
    if (!bytes || (found && !sameFingerprint(found, bytes))) return null;
    found = bytes;
  }
  return found;
};

/** A certificate as getStats() reports it (the `certificate` entry a transport's id points to). */
export interface CertificateText {
  readonly algorithm: string;
  readonly fingerprint: string;
}

/** One `transport` entry of getStats(), with its certificates resolved through their ids. */
export interface TransportCertificates {
  readonly id: string;
  /** RTCDtlsTransportState as a string ('new', 'connecting', 'connected', 'closed', 'failed'). */
  readonly dtlsState: string;
  readonly local: CertificateText | null;
  readonly remote: CertificateText | null;
}

/** Our certificate's and the peer's presented certificate's SHA-256 fingerprints, as bytes. */
export interface FingerprintPair {
  readonly local: Uint8Array;
  readonly remote: Uint8Array;
}

/** The same two certificates, each on the same side. */
export const sameFingerprintPair = (a: FingerprintPair, b: FingerprintPair): boolean =>
  sameFingerprint(a.local, b.local) && sameFingerprint(a.remote, b.remote);

const certificateBytes = (cert: CertificateText | null): Uint8Array | null =>
  cert && cert.algorithm.toLowerCase() === 'sha-256' ? parseFingerprint(cert.fingerprint) : null;

/** fingerprintsFromTransports' error when connected transports disagree: a sign of someone in the middle, not a transient state. */
export const TRANSPORTS_DISAGREE = 'the transports of this connection present different certificates';

/** Thrown by a fingerprint reader when the connection's transports present different certificates. */
export class CertificateConflictError extends Error {
  constructor() {
    super(`cannot read DTLS fingerprints: ${TRANSPORTS_DISAGREE}`);
    this.name = 'CertificateConflictError';
  }
}

/**
 * Decides the fingerprint pair from the transports of one connection: every connected transport must present
 * the same remote certificate (and use the same local one), else an attacker could show us one certificate in
 * the stats and carry media over another. `presented`: SHA-256 hashes of the certificates the connected DTLS
 * transports actually hold (RTCDtlsTransport.getRemoteCertificates()); they must agree with each other and
 * with the stats, and stand in for a remote certificate the stats lack — Chromium caches certificate stats,
 * so stats read during a DTLS restart keep reporting no remote certificate after it connects.
 */
export const fingerprintsFromTransports = (
  transports: readonly TransportCertificates[],
  presented: readonly Uint8Array[] = [],
): Result<FingerprintPair, string> => {
  const connected = transports.filter((t) => t.dtlsState === 'connected');
  if (connected.length === 0) return err('no DTLS transport is connected yet');
  let local: Uint8Array | null = null;
  let remote: Uint8Array | null = null;
  const agree = (seen: Uint8Array | null, next: Uint8Array): boolean => seen === null || sameFingerprint(seen, next);
  for (const t of connected) {
    const l = certificateBytes(t.local);
    const r = certificateBytes(t.remote);
    if (!l || (!r && presented.length === 0))
      return err(`transport ${t.id} has no SHA-256 certificate fingerprint on both sides`);
    if (!agree(local, l) || (r && !agree(remote, r))) return err(TRANSPORTS_DISAGREE);
    local = l;
    remote = r ?? remote;
  }
  for (const p of presented) {
    if (p.length !== SHA256_FINGERPRINT_BYTES || !agree(remote, p)) return err(TRANSPORTS_DISAGREE);
    remote = p;
  }
  return local && remote ? ok({ local, remote }) : err('no DTLS transport is connected yet');
};
