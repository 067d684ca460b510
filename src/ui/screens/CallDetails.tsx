import type { ComponentChildren, RefObject } from 'preact';
import { useState } from 'preact/hooks';
import type { CallModel } from '../../models/call';
import { DevicePickers } from '../components/DevicePickers';
import { togglePictureInPicture, usePictureInPicture } from '../components/picture-in-picture';
import { verifyBadge } from '../components/VerifyPanel';
import type { useCallPanels } from './CallPanels';
import { t } from '../i18n/i18n';

interface Props {
  call: CallModel;
  /** Connected (or reconnecting) with someone: the connection figures apply. */
  inCall: boolean;
  panels: ReturnType<typeof useCallPanels>;
  fit: 'cover' | 'contain';
  onFit: (fit: 'cover' | 'contain') => void;
  remoteVideo: RefObject<HTMLVideoElement | null>;
  onHelp: () => void;
  /** The join window line, when the waiting sheet does not show it. */
  joinWindow?: ComponentChildren;
}

/** The "Details" sheet: how the video is shown, devices, keyboard shortcuts and the connection's figures. */
export const CallDetails = ({ call, inCall, panels, fit, onFit, remoteVideo, onHelp, joinWindow }: Props) => {
  const [devicesOpen, setDevicesOpen] = useState(false);
  const inPip = usePictureInPicture(remoteVideo);
  const devices = call.devices;
  const lists = devices?.lists.value;
  const choices = devices?.choices.value;
  const remote = call.remoteStream.value;
  return (
    <section class="sheet" id="details-sheet" aria-labelledby="details-sheet-title" data-testid="details-sheet">
      <h2 id="details-sheet-title">{t('details.title')}</h2>
      {joinWindow}
      <div class="sheet__actions">
        <button
          type="button"
          aria-pressed={fit === 'contain'}
          onClick={() => onFit(fit === 'cover' ? 'contain' : 'cover')}
        >
          {t('details.wholeVideo')}
        </button>
        {devices?.canPictureInPicture && remote && (
          <button
            type="button"
            aria-pressed={inPip}
            data-testid="remote-video-pip"
            onClick={() => togglePictureInPicture(remoteVideo.current)}
          >
            {t('details.pip')}
          </button>
        )}
        {devices && (
          <button
            type="button"
            aria-expanded={devicesOpen}
            aria-controls={devicesOpen ? 'call-devices' : undefined}
            onClick={() => setDevicesOpen(!devicesOpen)}
          >
            {t('details.devices')}
          </button>
        )}
        <button type="button" aria-haspopup="dialog" onClick={onHelp}>
          {t('shortcuts.title')}
        </button>
      </div>
      {devices && lists && choices && devicesOpen && (
        <div id="call-devices" class="panel">
          <DevicePickers
            idPrefix="call"
            microphones={call.hasMic.value ? lists.microphones : []}
            cameras={call.hasCamera.value ? lists.cameras : []}
            speakers={lists.speakers}
            microphone={choices.microphone}
            camera={choices.camera}
            speaker={choices.speaker}
            onMicrophone={(id) => void devices.switchMicrophone(id)}
            onCamera={(id) => void devices.switchCamera(id)}
            onSpeaker={devices.chooseSpeaker}
          />
        </div>
      )}
      {inCall && panels && (
        <panels.ConnectionDetails
          summary={call.connection.summary.value}
          verification={verifyBadge(call.verification.value?.view.value ?? null).text}
        />
      )}
    </section>
  );
};
