import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n';

interface Props {
  stream: MediaStream | null;
  /** Our own preview is muted (no echo) and mirrored. */
  self: boolean;
  label: string;
  placeholder: string;
  testId: string;
  /** The speaker to play through (null: the default output). */
  sinkId?: string | null;
  /** The <video> element, for controls elsewhere on the screen (picture-in-picture). */
  videoRef?: RefObject<HTMLVideoElement | null>;
  /** How the video fills its tile: cropped to fill it (cover) or whole, with bars (contain). */
  fit?: 'cover' | 'contain';
  /** The stream's first frame is showing (a new stream shows a first frame again). */
  onFrame?: () => void;
}

/** One video with its label; attaches the stream and recovers from autoplay refusal with a visible "tap to hear" button. */
export const VideoTile = ({
  stream,
  self,
  label,
  placeholder,
  testId,
  sinkId = null,
  videoRef,
  fit = 'cover',
  onFrame,
}: Props) => {
  const own = useRef<HTMLVideoElement>(null);
  const ref = videoRef ?? own;
  const [blockedSound, setBlockedSound] = useState(false);

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
    <figure class={`tile ${self ? 'tile--self' : 'tile--remote'} tile--${fit}`}>
      <video ref={ref} data-testid={testId} autoplay playsInline muted={self} hidden={!stream} onLoadedData={onFrame} />
      {!stream && <div class="tile__placeholder">{placeholder}</div>}
      <figcaption>{label}</figcaption>
      {blockedSound && (
        <button type="button" class="tile__sound" onClick={unmute}>
          {t('call.tapToHear')}
        </button>
      )}
    </figure>
  );
};
