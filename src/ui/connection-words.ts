import type { ConnectionSummary, VideoFormat } from '../core/connection-stats';
import { language, t } from './i18n/i18n';

// The connection's figures in words, in the chosen language (numbers by Intl.NumberFormat).
const num = (n: number, digits = 0): string =>
  new Intl.NumberFormat(language.value, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
const plain = (n: number): string => new Intl.NumberFormat(language.value, { useGrouping: false }).format(n);

/** "direct" or "relayed (TURN)", or "unknown". */
export const formatRoute = (route: ConnectionSummary['route']): string =>
  route === 'direct' ? t('connection.direct') : route === 'relayed' ? t('connection.relayed') : t('connection.unknown');

/** "12 ms" (whole milliseconds). */
export const formatRtt = (ms: number | null): string =>
  ms === null ? t('connection.unknown') : t('connection.ms', { ms: num(Math.round(ms)) });

/** "850 kbit/s", "1.2 Mbit/s". */
export const formatBitrate = (bps: number | null): string => {
  if (bps === null) return t('connection.measuringValue');
  if (bps >= 1_000_000) return t('connection.mbps', { n: num(bps / 1_000_000, 1) });
  return t('connection.kbps', { n: num(Math.round(bps / 1000)) });
};

/** "0.4 %" (one decimal). */
export const formatLoss = (fraction: number | null): string =>
  fraction === null ? t('connection.unknown') : t('connection.percent', { n: num(fraction * 100, 1) });

/** "640×480 at 30 fps" (the size's digits ungrouped, as resolutions are written). */
export const formatVideo = (v: VideoFormat | null): string => {
  if (v === null) return t('connection.noVideo');
  const size = `${plain(v.width)}×${plain(v.height)}`;
  return v.fps === null ? size : t('connection.videoAt', { size, fps: num(Math.round(v.fps)) });
};

/**
 * "DTLS 1.2" from the record-layer version the browser reports (RFC 6347 §4.1: DTLS 1.2 is 254.253,
 * 0xFEFD; RFC 9147: DTLS 1.3 is 0xFEFC); anything else is shown as given.
 */
export const formatTlsVersion = (v: string | null): string => {
  if (v === null) return t('connection.unknown');
  const known: Record<string, string> = { FEFD: 'DTLS 1.2', FEFC: 'DTLS 1.3', FEFF: 'DTLS 1.0' };
  return known[v.toUpperCase()] ?? v;
};
