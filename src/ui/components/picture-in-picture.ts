import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** Whether this video is currently shown in picture-in-picture (the browser's own close button included). */
export const usePictureInPicture = (ref: RefObject<HTMLVideoElement | null>): boolean => {
  const [active, setActive] = useState(false);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    const on = () => setActive(true);
    const off = () => setActive(false);
    video.addEventListener('enterpictureinpicture', on);
    video.addEventListener('leavepictureinpicture', off);
    return () => {
      video.removeEventListener('enterpictureinpicture', on);
      video.removeEventListener('leavepictureinpicture', off);
    };
  }, [ref]);
  return active;
};

/** Pops the video out into a floating window, or brings it back. */
export const togglePictureInPicture = (video: HTMLVideoElement | null) => {
  if (!video) return;
  // Refusals (no user gesture, a policy) leave the video where it is: nothing to undo.
  if (document.pictureInPictureElement === video) void document.exitPictureInPicture().catch(() => undefined);
  else void video.requestPictureInPicture().catch(() => undefined);
};
