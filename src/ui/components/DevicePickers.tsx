import type { MediaDevice } from '../../models/ports';
import { t } from '../i18n/i18n';

interface PickerProps {
  id: string;
  label: string;
  devices: MediaDevice[];
  /** The device in use; null selects the first (the browser's default comes first). */
  value: string | null;
  /** Used for devices whose label the browser hides ("Camera 2"). */
  fallback: string;
  onChange: (id: string) => void;
  disabled?: boolean | undefined;
}

/** One labelled device list; nothing at all when there is no device of this kind to choose. */
const Picker = (p: PickerProps) =>
  p.devices.length === 0 ? null : (
    <div class="devices__row">
      <label for={p.id}>{p.label}</label>
      <select
        id={p.id}
        value={p.value ?? p.devices[0]?.id}
        disabled={p.disabled}
        onChange={(e) => p.onChange(e.currentTarget.value)}
      >
        {p.devices.map((d, i) => (
          <option key={d.id} value={d.id}>
            {d.label || t('devices.unnamed', { kind: p.fallback, count: i + 1 })}
          </option>
        ))}
      </select>
    </div>
  );

interface Props {
  /** Distinguishes the lobby's pickers from the call's (ids must be unique on the page). */
  idPrefix: string;
  microphones: MediaDevice[];
  cameras: MediaDevice[];
  /** Empty where the browser cannot route sound to a chosen output. */
  speakers: MediaDevice[];
  microphone: string | null;
  camera: string | null;
  speaker: string | null;
  onMicrophone: (id: string) => void;
  onCamera: (id: string) => void;
  onSpeaker: (id: string) => void;
  /** The camera list stays visible but cannot be used (e.g. while sharing the screen). */
  cameraDisabled?: boolean | undefined;
}

/** Microphone, camera and speaker pickers. */
export const DevicePickers = (p: Props) => (
  <div class="devices">
    <Picker
      id={`${p.idPrefix}-microphone`}
      label={t('devices.microphone')}
      devices={p.microphones}
      value={p.microphone}
      fallback={t('devices.microphone')}
      onChange={p.onMicrophone}
    />
    <Picker
      id={`${p.idPrefix}-camera`}
      label={t('devices.camera')}
      devices={p.cameras}
      value={p.camera}
      fallback={t('devices.camera')}
      onChange={p.onCamera}
      disabled={p.cameraDisabled}
    />
    <Picker
      id={`${p.idPrefix}-speaker`}
      label={t('devices.speaker')}
      devices={p.speakers}
      value={p.speaker}
      fallback={t('devices.speaker')}
      onChange={p.onSpeaker}
    />
  </div>
);
