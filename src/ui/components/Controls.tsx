import { CameraIcon, ChatIcon, DetailsIcon, FlipIcon, HangUpIcon, MicIcon, ScreenIcon } from './icons';
import { language, t } from '../i18n/i18n';
import { formatNumber } from '../i18n/message';

interface Props {
  micOn: boolean;
  cameraOn: boolean;
  hasMic: boolean;
  hasCamera: boolean;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onHangUp: () => void;
  /** Shown only on devices with two cameras or more. */
  onFlip?: (() => void) | undefined;
  /** Shown only where the browser can capture the screen. */
  share?: { sharing: boolean; disabled: boolean; onToggle: () => void } | undefined;
  /** Shown while someone is there to chat with. */
  chat?: { open: boolean; unread: number; onToggle: () => void } | undefined;
  details: { open: boolean; onToggle: () => void };
}

/**
 * The call's one control bar, always on screen below the video: big enough for thumbs (44 px targets),
 * a name under every icon, toggles exposing their state with aria-pressed, panels with aria-expanded.
 */
export const Controls = (p: Props) => (
  <div class="callbar" role="toolbar" aria-label={t('controls.label')}>
    <button type="button" aria-pressed={!p.micOn} disabled={!p.hasMic} onClick={p.onToggleMic}>
      <MicIcon off={!p.micOn} />
      <span class="callbar__label">{p.micOn ? t('media.mute') : t('media.unmute')}</span>
    </button>
    <button type="button" aria-pressed={!p.cameraOn} disabled={!p.hasCamera} onClick={p.onToggleCamera}>
      <CameraIcon off={!p.cameraOn} />
      <span class="callbar__label">{p.cameraOn ? t('media.cameraOff') : t('media.cameraOn')}</span>
    </button>
    {p.onFlip && (
      <button type="button" onClick={p.onFlip}>
        <FlipIcon />
        <span class="callbar__label">{t('controls.flip')}</span>
      </button>
    )}
    {p.share && (
      <button type="button" aria-pressed={p.share.sharing} disabled={p.share.disabled} onClick={p.share.onToggle}>
        <ScreenIcon />
        <span class="callbar__label">{p.share.sharing ? t('controls.stopSharing') : t('controls.shareScreen')}</span>
      </button>
    )}
    {p.chat && (
      <button
        type="button"
        aria-expanded={p.chat.open}
        aria-controls={p.chat.open ? 'chat-panel' : undefined}
        onClick={p.chat.onToggle}
      >
        <ChatIcon />
        <span class="callbar__label">{t('controls.chat')}</span>
        {p.chat.unread > 0 && ' '}
        {p.chat.unread > 0 && (
          <span class="unread" data-testid="chat-unread">
            {formatNumber(language.value, p.chat.unread)}
            <span class="visually-hidden"> {t('controls.unread')}</span>
          </span>
        )}
      </button>
    )}
    {/* The sheet holds more than the connection figures (devices, view, shortcuts); the name stays the one people search for. */}
    <button
      type="button"
      aria-label={t('controls.connectionDetails')}
      aria-expanded={p.details.open}
      aria-controls={p.details.open ? 'details-sheet' : undefined}
      onClick={p.details.onToggle}
    >
      <DetailsIcon />
      <span class="callbar__label">{t('controls.details')}</span>
    </button>
    <button type="button" class="danger" onClick={p.onHangUp}>
      <HangUpIcon />
      <span class="callbar__label">{t('controls.hangUp')}</span>
    </button>
  </div>
);
