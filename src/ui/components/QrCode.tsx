import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n';

/** Builds one SVG path of all dark modules, so the code renders as elements (never as markup strings). */
export const qrPath = (matrix: boolean[][]): string => {
  let d = '';
  matrix.forEach((row, y) => row.forEach((dark, x) => dark && (d += `M${x} ${y}h1v1h-1z`)));
  return d;
};

/** The link as a QR code; the encoder loads only when a code is first shown. */
export const QrCode = ({ text, label }: { text: string; label: string }) => {
  const [matrix, setMatrix] = useState<boolean[][] | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  useEffect(() => {
    let live = true;
    // The encoder is a separate file: if the server is unreachable right now, say so instead of failing.
    import('qr').then(
      ({ default: encodeQR }) => live && setMatrix(encodeQR(text, 'raw', { ecc: 'medium' })),
      () => live && setUnavailable(true),
    );
    return () => void (live = false);
  }, [text]);
  if (unavailable) return <p class="help">{t('share.qrUnavailable')}</p>;
  if (!matrix) return null;
  const size = matrix.length;
  // A 4-module quiet zone, as the QR standard asks, so phone cameras find the code.
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      viewBox={`-4 -4 ${size + 8} ${size + 8}`}
      data-testid="qr"
      data-size={size}
    >
      <rect x="-4" y="-4" width={size + 8} height={size + 8} fill="#fff" />
      <path d={qrPath(matrix)} fill="#000" />
    </svg>
  );
};
