import { useEffect, useState } from 'preact/hooks';
import type { Quality } from '../../core/connection-stats';
import { t, type MessageKey } from '../i18n/i18n';

type Panels = typeof import('../components/call-panels');
/** The panels load once a call connects (they are not needed on Home), then stay loaded. */
let panels: Panels | null = null;

/** The chat and connection-details components, loaded on first use when `wanted`; null until they arrive. */
export const useCallPanels = (wanted: boolean): Panels | null => {
  const [, setLoaded] = useState(panels !== null);
  useEffect(() => {
    if (panels || !wanted) return;
    // A failed load (offline without the cached chunk) leaves the toggles without panels; nothing else breaks.
    import('../components/call-panels').then(
      (m) => {
        panels = m;
        setLoaded(true);
      },
      () => undefined,
    );
  }, [wanted]);
  return panels;
};

const qualityText: Record<Quality, MessageKey> = {
  good: 'quality.good',
  fair: 'quality.fair',
  poor: 'quality.poor',
  unknown: 'quality.unknown',
};

/** The connected call's quality indicator: a word, not a colour alone. */
export const QualityBadge = ({ quality }: { quality: Quality }) => (
  <p class={`badge quality quality--${quality}`} data-testid="quality" data-quality={quality}>
    {t(qualityText[quality])}
  </p>
);
