import { useRef } from 'preact/hooks';
import { cornerAfterKey, nearestCorner, nextCorner, type Corner } from '../self-view-corner';
import { VideoTile } from './VideoTile';
import { t } from '../i18n/i18n';

interface Props {
  stream: MediaStream | null;
  corner: Corner;
  onCorner: (corner: Corner) => void;
}

/**
 * Our own camera as a small tile over the other person's video. Dragged with a finger or mouse it snaps
 * to the nearest corner; by keyboard its move button takes arrow keys (or cycles corners on Enter).
 */
export const SelfView = ({ stream, corner, onCorner }: Props) => {
  const ref = useRef<HTMLDivElement>(null);
  const drag = useRef<{ id: number; x: number; y: number } | null>(null);

  const start = (e: PointerEvent) => {
    if (e.button !== 0 || (e.target instanceof Element && e.target.closest('button'))) return;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY };
    ref.current?.setPointerCapture(e.pointerId);
  };
  const move = (e: PointerEvent) => {
    const d = drag.current;
    const el = ref.current;
    if (!d || d.id !== e.pointerId || !el) return;
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    el.style.translate = `${e.clientX - d.x}px ${e.clientY - d.y}px`;
  };
  const end = (e: PointerEvent) => {
    const d = drag.current;
    const el = ref.current;
    if (!d || d.id !== e.pointerId || !el) return;
    drag.current = null;
    const area = el.parentElement?.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    el.style.translate = '';
    if (!area) return;
    onCorner(
      nearestCorner(box.left + box.width / 2 - area.left, box.top + box.height / 2 - area.top, area.width, area.height),
    );
  };

  return (
    <div
      ref={ref}
      class={`selfview selfview--${corner}`}
      data-testid="self-view"
      data-corner={corner}
      onPointerDown={start}
      onPointerMove={move}
      onPointerUp={end}
      onPointerCancel={end}
    >
      <VideoTile
        stream={stream}
        self
        label={t('common.you')}
        placeholder={t('call.yourCameraOff')}
        testId="local-video"
      />
      <button
        type="button"
        class="selfview__move"
        aria-label={t('call.moveSelf')}
        aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight"
        onClick={() => onCorner(nextCorner(corner))}
        onKeyDown={(e) => {
          const next = cornerAfterKey(corner, e.key);
          if (next === null) return;
          e.preventDefault();
          onCorner(next);
        }}
      >
        <svg
          viewBox="0 0 24 24"
          width="20"
          height="20"
          aria-hidden="true"
          focusable="false"
          fill="none"
          stroke="currentColor"
          stroke-width="2"
          stroke-linecap="round"
        >
          <path d="M12 3v18M3 12h18M12 3l-3 3M12 3l3 3M12 21l-3-3M12 21l3-3M3 12l3-3M3 12l3 3M21 12l-3-3M21 12l-3 3" />
        </svg>
      </button>
    </div>
  );
};
