import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { LocalMedia, MediaProblem } from '../adapters/media/types';
import { swapInStream } from './devices';

type Kind = 'audio' | 'video';

export interface LocalMediaDeps {
  /** What the devices answer (asked once, by whoever creates this model: the lobby, or a call started without one). */
  acquire: Promise<LocalMedia>;
  /** Stand-in for the stream when a first track arrives after every device was refused. */
  streamOf?: (tracks: MediaStreamTrack[]) => MediaStream;
  micOn?: boolean;
  cameraOn?: boolean;
}

/**
 * Our camera and microphone, from the lobby's preview to the end of the call: one stream, the on/off
 * toggles, and device switches where the latest request wins. The lobby creates it and hands it to the
 * call, which then owns it (and stops it when the call ends).
 */
export interface LocalMediaModel {
  /** What we show and send; null until the devices answer (or when none could be opened). */
  readonly stream: ReadonlySignal<MediaStream | null>;
  /** Why a device could not be opened (or the last switch failed). */
  readonly problem: ReadonlySignal<MediaProblem | null>;
  /** The devices answered (granted or refused). */
  readonly ready: ReadonlySignal<boolean>;
  readonly micOn: ReadonlySignal<boolean>;
  readonly cameraOn: ReadonlySignal<boolean>;
  /** The microphone and camera we hold (the camera also while a shared screen stands in for it). */
  readonly audio: ReadonlySignal<MediaStreamTrack | null>;
  readonly video: ReadonlySignal<MediaStreamTrack | null>;
  readonly hasMic: ReadonlySignal<boolean>;
  readonly hasCamera: ReadonlySignal<boolean>;
  /** Resolves once the devices answered and the answer is in place. */
  readonly acquired: Promise<void>;
  /** Once the devices answered: what there is to send now (an empty stream counts as none). */
  answered(): Promise<LocalMedia>;
  toggleMic(): void;
  toggleCamera(): void;
  /**
   * Opens a track with `get` for `kind`; only the latest request of a kind counts. Returns the new track
   * (enabled as the toggle says), the problem, or null when a later request or stop() overtook this one.
   */
  open(
    kind: Kind,
    get: () => Promise<MediaStreamTrack | MediaProblem>,
  ): Promise<MediaStreamTrack | MediaProblem | null>;
  /** Requests of `kind` still under way are dropped when they answer (e.g. the camera, on going audio-only). */
  drop(kind: Kind): void;
  /** Makes `next` our `kind` track: in the stream in place of the old one unless `aside` (a screen is shown), and stops the old one. */
  use(kind: Kind, next: MediaStreamTrack | null, aside?: boolean): void;
  setProblem(problem: MediaProblem | null): void;
  /** Stops every track; an answer still to come is stopped when it arrives. Idempotent. */
  stop(): void;
}

export const createLocalMedia = (deps: LocalMediaDeps): LocalMediaModel => {
  const stream = signal<MediaStream | null>(null);
  const problem = signal<MediaProblem | null>(null);
  const ready = signal(false);
  const micOn = signal(deps.micOn ?? true);
  const cameraOn = signal(deps.cameraOn ?? true);
  const audio = signal<MediaStreamTrack | null>(null);
  const video = signal<MediaStreamTrack | null>(null);
  // One way to cancel: stop() aborts, and every pending answer checks the signal.
  const stopped = new AbortController();
  /** The request under way per kind: a newer one aborts it, so a slower earlier answer is dropped, not shown. */
  const pending: Record<Kind, AbortController | null> = { audio: null, video: null };

  const setEnabled = (kind: Kind, on: boolean) => {
    stream.value?.getTracks().forEach((t) => t.kind === kind && (t.enabled = on));
  };

  const acquired = deps.acquire.then((local) => {
    if (stopped.signal.aborted) {
      local.stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    batch(() => {
      stream.value = local.stream;
      problem.value = local.problem;
      audio.value = local.stream?.getAudioTracks()[0] ?? null;
      video.value = local.stream?.getVideoTracks()[0] ?? null;
      ready.value = true;
    });
    // The person may have switched things off before the devices answered.
    setEnabled('audio', micOn.value);
    setEnabled('video', cameraOn.value);
  });

  const track = (kind: Kind) => (kind === 'audio' ? audio : video);

  return {
    stream,
    problem,
    ready,
    micOn,
    cameraOn,
    audio,
    video,
    hasMic: computed(() => audio.value !== null),
    hasCamera: computed(() => video.value !== null),
    acquired,
    async answered() {
      await acquired;
      const s = stream.value;
      if (s && s.getTracks().length > 0) return { stream: s, problem: problem.value };
      return { stream: null, problem: problem.value ?? 'not-found' };
    },
    toggleMic() {
      micOn.value = !micOn.value;
      setEnabled('audio', micOn.value);
    },
    toggleCamera() {
      cameraOn.value = !cameraOn.value;
      setEnabled('video', cameraOn.value);
    },
    async open(kind, get) {
      pending[kind]?.abort();
      const mine = new AbortController();
      pending[kind] = mine;
      const next = await get();
      const current = !mine.signal.aborted && !stopped.signal.aborted;
      if (typeof next === 'string') return current ? next : null;
      if (!current) {
        next.stop();
        return null;
      }
      next.enabled = kind === 'audio' ? micOn.value : cameraOn.value;
      return next;
    },
    drop(kind) {
      pending[kind]?.abort();
    },
    use(kind, next, aside = false) {
      const held = track(kind);
      const old = held.value;
      batch(() => {
        const s = stream.value;
        if (!aside && s) swapInStream(s, old, next);
        else if (!aside && next && deps.streamOf) stream.value = deps.streamOf([next]);
        held.value = next;
      });
      old?.stop();
    },
    setProblem(p) {
      problem.value = p;
    },
    stop() {
      if (stopped.signal.aborted) return;
      stopped.abort();
      stream.value?.getTracks().forEach((t) => t.stop());
      audio.value?.stop();
      video.value?.stop();
    },
  };
};
