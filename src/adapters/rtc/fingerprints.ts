// Reads the DTLS certificate fingerprints of an RTCPeerConnection for core/verify (docs/verification.md
// §"Fingerprints"; RFC 8827 §6.5: script cannot read DTLS keys, certificate fingerprints are the binding).
// Chromium: getStats() → `transport` entry → localCertificateId / remoteCertificateId → `certificate` entries;
// the remote one exists only after DTLS connects. They are read again whenever the connection's transports
// or negotiation change (watch-certificates.ts), since a renegotiation could bring another certificate.
import {
  CertificateConflictError,
  TRANSPORTS_DISAGREE,
  fingerprintsFromTransports,
  parseFingerprint,
  type FingerprintPair,
  type TransportCertificates,
} from '../../core/fingerprint';

/**
 * Lists each transport of `pc` with the certificates its ids point to, as the browser prints them.
 * Self-contained on purpose (no imports, no outer variables at run time) so tests can hand its source to
 * page.evaluate and read a real browser's stats with exactly this code.
 */
export async function collectTransportCertificates(pc: RTCPeerConnection): Promise<TransportCertificates[]> {
  const report = await pc.getStats();
  const certificate = (id: unknown): { algorithm: string; fingerprint: string } | null => {
    if (typeof id !== 'string') return null;
    const entry: unknown = report.get(id);
    if (typeof entry !== 'object' || entry === null) return null;
    const { type, fingerprint, fingerprintAlgorithm } = entry as Record<string, unknown>;
    if (type !== 'certificate' || typeof fingerprint !== 'string' || typeof fingerprintAlgorithm !== 'string')
      return null;
    return { algorithm: fingerprintAlgorithm, fingerprint };
  };
  const transports: TransportCertificates[] = [];
  report.forEach((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return;
    const t = entry as Record<string, unknown>;
    if (t['type'] !== 'transport') return;
    transports.push({
      id: String(t['id']),
      dtlsState: String(t['dtlsState']),
      local: certificate(t['localCertificateId']),
      remote: certificate(t['remoteCertificateId']),
    });
  });
  return transports;
}

/**
 * The DER of the leaf certificate each connected DTLS transport of `pc` holds from the peer. Unlike getStats()'
 * certificate entries this is never cached, so it shows a DTLS restart's new certificate at once.
 * Self-contained (no imports, no outer variables at run time) so tests can run exactly this code in a page.
 */
export function collectPresentedCertificates(pc: RTCPeerConnection): ArrayBuffer[] {
  const transports = new Set<RTCDtlsTransport>();
  if (pc.sctp?.transport) transports.add(pc.sctp.transport);
  for (const t of pc.getTransceivers()) {
    if (t.sender.transport) transports.add(t.sender.transport);
    if (t.receiver.transport) transports.add(t.receiver.transport);
  }
  const leaves: ArrayBuffer[] = [];
  for (const t of transports) {
    if (t.state !== 'connected' || typeof t.getRemoteCertificates !== 'function') continue;
    const leaf = t.getRemoteCertificates()[0];
    if (leaf) leaves.push(leaf);
  }
  return leaves;
}

/** A DTLS fingerprint is the SHA-256 of the certificate's DER (RFC 8122 §5). Needs WebCrypto (a secure context). */
const sha256 = async (der: ArrayBuffer): Promise<Uint8Array> =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', der));

/** Our and the peer's certificate fingerprints (32 bytes each) for a connected `pc`; rejects when DTLS is not connected, with CertificateConflictError when transports disagree. */
export const readDtlsFingerprints = async (pc: RTCPeerConnection): Promise<FingerprintPair> => {
  const presented =
    typeof crypto !== 'undefined' && crypto.subtle
      ? await Promise.all(collectPresentedCertificates(pc).map(sha256))
      : [];
  const result = fingerprintsFromTransports(await collectTransportCertificates(pc), presented);
  if (!result.ok && result.error === TRANSPORTS_DISAGREE) throw new CertificateConflictError();
  if (!result.ok) throw new Error(`cannot read DTLS fingerprints: ${result.error}`);
  return result.value;
};

/** The SHA-256 fingerprint of a certificate we generated, from RTCCertificate.getFingerprints(). */
export const certificateFingerprint = (certificate: RTCCertificate): Uint8Array => {
  for (const fp of certificate.getFingerprints()) {
    if (fp.algorithm?.toLowerCase() !== 'sha-256' || fp.value === undefined) continue;
    const bytes = parseFingerprint(fp.value);
    if (bytes) return bytes;
  }
  throw new Error('the certificate has no SHA-256 fingerprint');
};

/** A fresh ECDSA P-256 DTLS certificate for `new RTCPeerConnection({ certificates: [certificate] })`, with its fingerprint. */
export const createDtlsCertificate = async (): Promise<{ certificate: RTCCertificate; fingerprint: Uint8Array }> => {
  const keygen: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
  const certificate = await RTCPeerConnection.generateCertificate(keygen);
  return { certificate, fingerprint: certificateFingerprint(certificate) };
};
