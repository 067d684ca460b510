import type { ConnectionSummary } from '../../core/connection-stats';
import { formatBitrate, formatLoss, formatRoute, formatRtt, formatTlsVersion, formatVideo } from '../connection-words';
import { t } from '../i18n/i18n';

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
    <h2 id="details-title">{t('connection.title')}</h2>
    {s === null && <p class="help">{t('connection.measuring')}</p>}
    <dl>
      <dt>{t('connection.verification')}</dt>
      <dd data-testid="details-verification">{verification}</dd>
      {s !== null && (
        <>
          <dt>{t('connection.route')}</dt>
          <dd data-testid="details-route">
            {formatRoute(s.route)}
            {candidates(s)}
          </dd>
          <dt>{t('connection.rtt')}</dt>
          <dd data-testid="details-rtt">{formatRtt(s.rttMs)}</dd>
          <dt>{t('connection.bitrate')}</dt>
          <dd data-testid="details-bitrate">
            {formatBitrate(s.bitrateIn)} / {formatBitrate(s.bitrateOut)}
          </dd>
          <dt>{t('connection.loss')}</dt>
          <dd data-testid="details-loss">
            {formatLoss(s.lossIn)} / {formatLoss(s.lossOut)}
          </dd>
          <dt>{t('connection.videoIn')}</dt>
          <dd data-testid="details-video-in">{formatVideo(s.videoIn)}</dd>
          <dt>{t('connection.videoOut')}</dt>
          <dd data-testid="details-video-out">{formatVideo(s.videoOut)}</dd>
          <dt>{t('connection.dtls')}</dt>
          <dd data-testid="details-dtls">
            {formatTlsVersion(s.tlsVersion)},{' '}
            <span data-testid="details-dtls-cipher">{s.dtlsCipher ?? t('connection.unknownCipher')}</span>
          </dd>
          <dt>{t('connection.srtp')}</dt>
          <dd data-testid="details-srtp">{s.srtpCipher ?? t('connection.unknown')}</dd>
        </>
      )}
    </dl>
  </section>
);
