/** The devices the person picked, remembered between calls (settings, never secrets). */
export interface DeviceChoices {
  microphone: string | null;
  camera: string | null;
  speaker: string | null;
  /** Calls without the camera: it is never opened. */
  audioOnly: boolean;
}

export const NO_CHOICES: DeviceChoices = { microphone: null, camera: null, speaker: null, audioOnly: false };

/** Device ids are opaque browser tokens (64 hex chars in Chromium); anything longer is not one. */
const MAX_ID_LENGTH = 256;

const idOf = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH ? v : null;

/** Stored choices are untrusted (another version, a hand edit): keep what is well-formed, drop the rest. */
export const parseDeviceChoices = (raw: unknown): DeviceChoices => {
  if (typeof raw !== 'object' || raw === null) return NO_CHOICES;
  const r = raw as Record<string, unknown>;
  return {
    microphone: idOf(r['microphone']),
    camera: idOf(r['camera']),
    speaker: idOf(r['speaker']),
    audioOnly: r['audioOnly'] === true,
  };
};
