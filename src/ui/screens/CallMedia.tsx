import { useMemo, useState } from 'preact/hooks';
import type { CallModel } from '../../models/call';
import { DevicePickers } from '../components/DevicePickers';
import { ShortcutsHelp } from '../components/ShortcutsHelp';
import { mediaText } from '../media-text';
import { useShortcuts } from '../shortcuts';

/** Whether the camera button (and its shortcut) can act: not while the screen stands in for the camera. */
export const cameraUsable = (call: CallModel) => call.hasCamera.value && !(call.devices?.sharing.value ?? false);

/** In-call media: screen sharing, device pickers, and the keyboard shortcuts with their help overlay. */
export const CallMedia = ({ call }: { call: CallModel }) => {
  const [helpOpen, setHelpOpen] = useState(false);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const devices = call.devices;
  const sharing = devices?.sharing.value ?? false;
  const canCamera = cameraUsable(call);
  const canMic = call.hasMic.value;
  const handlers = useMemo(
    () => ({
      mic: () => canMic && call.toggleMic(),
      camera: () => canCamera && call.toggleCamera(),
      help: () => setHelpOpen(true),
    }),
    [call, canMic, canCamera],
  );
  useShortcuts(handlers, true);
  const switchProblem = devices?.switchProblem.value ?? null;
  const lists = devices?.lists.value;
  const choices = devices?.choices.value;

  return (
    <>
      {sharing && (
        <p class="notice" role="status" data-testid="sharing-notice">
          You are sharing your screen.{' '}
          <button type="button" onClick={devices?.stopSharing}>
            Stop sharing
          </button>
        </p>
      )}
      {switchProblem && (
        <p class="notice" role="alert">
          Could not switch: {mediaText[switchProblem]} The previous device stays in use.
        </p>
      )}
      <div class="controls" role="toolbar" aria-label="Screen, devices and help">
        {devices?.canShareScreen && !sharing && (
          <button type="button" disabled={call.localStream.value === null} onClick={() => void devices.startSharing()}>
            Share screen
          </button>
        )}
        {devices && (
          <button
            type="button"
            aria-expanded={devicesOpen}
            aria-controls="call-devices"
            onClick={() => setDevicesOpen(!devicesOpen)}
          >
            Devices
          </button>
        )}
        <button type="button" aria-haspopup="dialog" onClick={() => setHelpOpen(true)}>
          Keyboard shortcuts
        </button>
      </div>
      {devices && lists && choices && devicesOpen && (
        <section id="call-devices" class="panel" aria-label="Devices">
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
        </section>
      )}
      <ShortcutsHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </>
  );
};
