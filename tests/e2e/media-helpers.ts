import { expect, type Page } from '@playwright/test';

/** Labels of the tracks we send, as the local preview holds them (kind:label, sorted). */
export const localTracks = (page: Page, testId = 'local-video'): Promise<string[]> =>
  page.getByTestId(testId).evaluate((v: HTMLVideoElement) =>
    v.srcObject instanceof MediaStream
      ? v.srcObject
          .getTracks()
          .map((t) => `${t.kind}:${t.label}`)
          .sort()
      : [],
  );

/** Ids of the remote video tracks (the same id after a switch proves the receiver was kept: no renegotiation). */
export const remoteVideoTrackIds = (page: Page): Promise<string[]> =>
  page
    .getByTestId('remote-video')
    .evaluate((v: HTMLVideoElement) =>
      v.srcObject instanceof MediaStream ? v.srcObject.getVideoTracks().map((t) => t.id) : [],
    );

/**
 * The shape of the far side's frames: the fake camera is 4:3, the fake screen 16:9. (Sizes themselves
 * vary while the encoder adapts its resolution to the bandwidth; the aspect ratio holds.)
 */
export const remoteAspect = (page: Page): Promise<string> =>
  page.getByTestId('remote-video').evaluate((v: HTMLVideoElement) => {
    if (v.videoHeight === 0) return 'none';
    const r = v.videoWidth / v.videoHeight;
    return Math.abs(r - 4 / 3) < 0.05
      ? '4:3'
      : Math.abs(r - 16 / 9) < 0.05
        ? '16:9'
        : `${v.videoWidth}x${v.videoHeight}`;
  });

/** Mean brightness (0–255) of the remote video's current frame: the fake camera's pattern is bright, a camera that is off sends black. */
export const remoteBrightness = (page: Page): Promise<number> =>
  page.getByTestId('remote-video').evaluate((v: HTMLVideoElement) => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
    return sum / (data.length / 4);
  });

/** The remote video keeps advancing: its clock moves twice in a row. */
export const expectStillPlaying = async (page: Page) => {
  const video = page.getByTestId('remote-video');
  for (let i = 0; i < 2; i++) {
    const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(t0);
  }
};
