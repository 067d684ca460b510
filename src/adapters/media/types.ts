/** Why we have no camera or microphone; each maps to a message and the call goes on receive-only. */
export type MediaProblem = 'denied' | 'not-found' | 'in-use' | 'unsupported';

/** What we could capture: a stream (possibly audio- or video-only), or none and why. */
export type LocalMedia =
  | { stream: MediaStream; problem: MediaProblem | null }
  | { stream: null; problem: MediaProblem };

/** Which devices to open: `false` asks for none of that kind (an audio-only call never opens the camera). */
export interface MediaRequest {
  audio: boolean;
  video: boolean;
  /** Preferred device ids (remembered choices); a missing device falls back to the default. */
  audioDevice?: string | null;
  videoDevice?: string | null;
}

export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

/** A camera, microphone or speaker as enumerateDevices reports it. */
export interface MediaDevice {
  kind: DeviceKind;
  id: string;
  /** Empty before the person allowed access; the pickers then number the devices. */
  label: string;
}

/** A screen, window or tab being captured, with its sound when the browser offered it. */
export interface DisplayCapture {
  video: MediaStreamTrack;
  audio: MediaStreamTrack | null;
}

/** Camera and microphone access; the real one wraps getUserMedia. */
export interface MediaDevicesPort {
  /** Without a request: camera and microphone, default devices. */
  getLocalMedia(request?: MediaRequest): Promise<LocalMedia>;
}

/** Choosing and switching devices and capturing the screen (lobby and in-call pickers). */
export interface DeviceControlPort {
  listDevices(): Promise<MediaDevice[]>;
  /** Called when a device is plugged in or removed; returns the unsubscribe. */
  onDevicesChange(listener: () => void): () => void;
  /** One track from exactly this device (a switch; null: the default one), or why not. */
  getTrack(kind: 'audio' | 'video', deviceId: string | null): Promise<MediaStreamTrack | MediaProblem>;
  /** Which device a track comes from, if the browser says. */
  deviceIdOf(track: MediaStreamTrack): string | null;
  /** The browser's screen picker; null when the person cancelled or the browser cannot. */
  getDisplayMedia(): Promise<DisplayCapture | null>;
  /** A stream of these tracks (a lobby whose camera and microphone were both refused starts empty). */
  streamOf(tracks: MediaStreamTrack[]): MediaStream;
  /** Calls `listener` once when the track ends by itself (device unplugged, the browser's "Stop sharing"). */
  onEnded(track: MediaStreamTrack, listener: () => void): () => void;
  /** Whether the browser can capture the screen (not on most phones). */
  readonly canShareScreen: boolean;
  /** Whether audio output can be routed to a chosen speaker (HTMLMediaElement.setSinkId). */
  readonly canChooseSpeaker: boolean;
  /** Whether the browser can show a video in picture-in-picture. */
  readonly canPictureInPicture: boolean;
}

/** Everything the app needs from the media devices. */
export type MediaPort = MediaDevicesPort & DeviceControlPort;
