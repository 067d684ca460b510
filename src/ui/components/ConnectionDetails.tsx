import {
  formatBitrate,
  formatLoss,
  formatRoute,
  formatRtt,
  formatTlsVersion,
  formatVideo,
  type ConnectionSummary,
} from '../../core/connection-stats';

interface Props {
  /** Null until the first measurement. */
  summary: ConnectionSummary | null;
  /** The verification state in words (verifyBadge). */
  verification: string;
}

const candidates = (s: ConnectionSummary): string =>
  s.localCandidate === null
    ? ''
    : ` (${s.localCandidate} ↔ ${s.remoteCandidate ?? '?'}${s.protocol === null ? '' : `, ${s.protocol}`})`;

/** What getStats() says about the connection, including the encryption people can check. */
export const ConnectionDetails = ({ summary: s, verification }: Props) => (
  <section class="details" id="details-panel" aria-labelledby="details-title" data-testid="details-panel">
    <h2 id="details-title">Connection details</h2>
    {s === null && <p class="help">Measuring…</p>}
    <dl>
      <dt>Verification</dt>
      <dd data-testid="details-verification">{verification}</dd>
      {s !== null && (
        <>
          <dt>Route</dt>
          <dd data-testid="details-route">
            {formatRoute(s.route)}
            {candidates(s)}
          </dd>
          <dt>Round-trip time</dt>
          <dd data-testid="details-rtt">{formatRtt(s.rttMs)}</dd>
          <dt>Bitrate in / out</dt>
          <dd data-testid="details-bitrate">
            {formatBitrate(s.bitrateIn)} / {formatBitrate(s.bitrateOut)}
          </dd>
          <dt>Packet loss in / out</dt>
          <dd data-testid="details-loss">
            {formatLoss(s.lossIn)} / {formatLoss(s.lossOut)}
          </dd>
          <dt>Video in</dt>
          <dd data-testid="details-video-in">{formatVideo(s.videoIn)}</dd>
          <dt>Video out</dt>
          <dd data-testid="details-video-out">{formatVideo(s.videoOut)}</dd>
          <dt>Encryption (DTLS)</dt>
          <dd data-testid="details-dtls">
            {formatTlsVersion(s.tlsVersion)},{' '}
            <span data-testid="details-dtls-cipher">{s.dtlsCipher ?? 'unknown cipher'}</span>
          </dd>
          <dt>Media encryption (SRTP)</dt>
          <dd data-testid="details-srtp">{s.srtpCipher ?? 'unknown'}</dd>
        </>
      )}
    </dl>
  </section>
);
