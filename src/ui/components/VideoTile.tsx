import { useEffect, useRef, useState } from 'preact/hooks';
import { togglePictureInPicture, usePictureInPicture } from './picture-in-picture';

interface Props {
  stream: MediaStream | null;
  /** Our own preview is muted (no echo) and mirrored. */
  self: boolean;
  label: string;
  placeholder: string;
  testId: string;
  /** The speaker to play through (null: the default output). */
  sinkId?: string | null;
  /** Offer a picture-in-picture button (where the browser supports it). */
  pictureInPicture?: boolean;
}

/** One video with its label; attaches the stream and recovers from autoplay refusal with a visible "tap to hear" button. */
export const VideoTile = ({
  stream,
  self,
  label,
  placeholder,
  testId,
  sinkId = null,
  pictureInPicture = false,
}: Props) => {
  const ref = useRef<HTMLVideoElement>(null);
  const [blockedSound, setBlockedSound] = useState(false);
  const inPip = usePictureInPicture(ref);

  useEffect(() => {
    const video = ref.current;
    // A speaker that went away leaves the sound where it was rather than failing the call.
    if (video && sinkId && 'setSinkId' in video) void video.setSinkId(sinkId).catch(() => undefined);
  }, [sinkId]);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream;
    if (!stream) return;
    video.play().catch((e: unknown) => {
      // Browsers refuse unmuted autoplay before any gesture (e.g. a call opened from a link): play muted, offer sound.
      if (self || !(e instanceof DOMException) || e.name !== 'NotAllowedError') return;
      video.muted = true;
      setBlockedSound(true);
      void video.play().catch(() => undefined);
    });
  }, [stream, self]);

  const unmute = () => {
    const video = ref.current;
    if (!video) return;
    video.muted = false;
    void video.play().then(
      () => setBlockedSound(false),
      () => undefined,
    );
  };

  return (
    <figure class={`tile ${self ? 'tile--self' : 'tile--remote'}`}>
      <video ref={ref} data-testid={testId} autoplay playsInline muted={self} hidden={!stream} />
      {!stream && <div class="tile__placeholder">{placeholder}</div>}
      <figcaption>{label}</figcaption>
      {pictureInPicture && stream && (
        <button
          type="button"
          class="tile__pip"
          aria-pressed={inPip}
          data-testid={`${testId}-pip`}
          onClick={() => togglePictureInPicture(ref.current)}
        >
          Picture-in-picture
        </button>
      )}
      {blockedSound && (
        <button type="button" class="tile__sound" onClick={unmute}>
          Tap to hear them
        </button>
      )}
    </figure>
  );
};
