import type { RoomCode } from '../../core/room-code';
import type { LobbyModel } from '../../models/lobby';
import { DevicePickers } from '../components/DevicePickers';
import { VideoTile } from '../components/VideoTile';
import { mediaText } from '../media-text';
import { t } from '../i18n/i18n';

interface Props {
  lobby: LobbyModel;
  code: RoomCode;
  /** Leaves without joining (the camera and microphone close). */
  onCancel: () => void;
}

/** Before entering the room: see yourself, pick devices, choose camera/mic on or off or audio only, then join. */
export const Lobby = ({ lobby, code, onCancel }: Props) => {
  const choices = lobby.choices.value;
  const lists = lobby.devices.value;
  const problem = lobby.problem.value;
  const micOn = lobby.micOn.value;
  const cameraOn = lobby.cameraOn.value;
  const joining = lobby.joining.value;
  const showCamera = lobby.hasCamera.value && cameraOn;
  return (
    <main class="lobby" data-testid="lobby" data-ready={lobby.ready.value}>
      <h1>{t('lobby.title')}</h1>
      <p class="lede">
        {t('lobby.lede')}
        {code.hasPassword && ` ${t('lobby.passwordNext')}`}
      </p>
      <div class="lobby__preview">
        <VideoTile
          stream={showCamera ? lobby.preview.value : null}
          self
          label={t('common.you')}
          placeholder={
            choices.audioOnly
              ? t('lobby.audioOnlyPlaceholder')
              : lobby.ready.value
                ? t('lobby.cameraOff')
                : t('lobby.cameraStarting')
          }
          testId="lobby-video"
        />
      </div>
      <div class="controls" role="toolbar" aria-label={t('lobby.toolbar')}>
        <button type="button" aria-pressed={!micOn} disabled={!lobby.hasMic.value} onClick={lobby.toggleMic}>
          {micOn ? t('media.mute') : t('media.unmute')}
        </button>
        <button type="button" aria-pressed={!cameraOn} disabled={!lobby.hasCamera.value} onClick={lobby.toggleCamera}>
          {cameraOn ? t('media.cameraOff') : t('media.cameraOn')}
        </button>
      </div>
      {/* Join comes before anything that appears once the devices answer (a problem, the device lists), so it never moves under the pointer. */}
      <div class="controls">
        <button
          type="button"
          class="primary"
          data-testid="lobby-join"
          disabled={joining}
          aria-busy={joining}
          onClick={lobby.join}
        >
          {joining ? t('call.loading') : t('lobby.joinNow')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.backHome')}
        </button>
      </div>
      {problem && (
        <p class="notice" role="alert">
          {mediaText(problem)}
        </p>
      )}
      <label class="lobby__check">
        <input
          type="checkbox"
          checked={choices.audioOnly}
          onChange={(e) => void lobby.setAudioOnly(e.currentTarget.checked)}
        />
        {t('lobby.audioOnly')}
      </label>
      <DevicePickers
        idPrefix="lobby"
        microphones={lists.microphones}
        cameras={choices.audioOnly ? [] : lists.cameras}
        speakers={lists.speakers}
        microphone={choices.microphone}
        camera={choices.camera}
        speaker={choices.speaker}
        onMicrophone={(id) => void lobby.chooseMicrophone(id)}
        onCamera={(id) => void lobby.chooseCamera(id)}
        onSpeaker={lobby.chooseSpeaker}
      />
    </main>
  );
};
