import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { relayProcess, type RelayProcess } from './relay-process';
import { startTurnServer, type TurnServer } from './turn-server';

/**
 * A relay whose config.json sends all media through our test TURN server (`--turn-only`, with the
 * relay's short-lived REST credentials), so a test can cut the media path by pausing that server.
 */
export interface TurnRig {
  relay: RelayProcess;
  turn: TurnServer;
  stop(): Promise<void>;
}

export const startTurnRig = async (
  relayPort: number,
  turnPort: number,
  extraRelayArgs: string[] = [],
): Promise<TurnRig> => {
  const secret = 'parley-test-turn-secret';
  const file = join(mkdtempSync(join(tmpdir(), 'parley-turn-')), 'secret');
  writeFileSync(file, secret);
  const turn = await startTurnServer(turnPort, secret);
  const relay = relayProcess(relayPort, [
    '--turn-url',
    `turn:127.0.0.1:${turnPort}`,
    '--turn-secret-file',
    file,
    '--turn-only',
    ...extraRelayArgs,
  ]);
  await relay.start();
  return {
    relay,
    turn,
    async stop() {
      await relay.kill();
      await turn.close();
    },
  };
};

/**
 * Frames the remote <video> has decoded so far. (Its `currentTime` is no use here: for a live
 * stream it runs on with the wall clock while no frames arrive.)
 */
export const remoteFrames = (page: Page): Promise<number> =>
  page.getByTestId('remote-video').evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);

/** Resolves once the remote video decodes new frames again (a dozen: not a straggler). */
export const expectRemoteFramesFlow = async (page: Page, timeout = 20_000): Promise<void> => {
  const n0 = await remoteFrames(page);
  await expect.poll(() => remoteFrames(page), { timeout, intervals: [50] }).toBeGreaterThan(n0 + 12);
};

/** Marks the stream the remote <video> shows now, so a fresh connection's stream can be told from it. */
export const markRemoteStream = (page: Page): Promise<void> =>
  page.getByTestId('remote-video').evaluate((v: HTMLVideoElement) => {
    if (v.srcObject instanceof MediaStream) (v.srcObject as MediaStream & { oldPath?: boolean }).oldPath = true;
  });

/** Resolves once the remote <video> shows a stream other than the marked one, decoding frames. */
export const expectFreshRemoteStream = async (page: Page, timeout = 30_000): Promise<void> => {
  const fresh = () =>
    page
      .getByTestId('remote-video')
      .evaluate(
        (v: HTMLVideoElement) =>
          v.srcObject instanceof MediaStream && !(v.srcObject as MediaStream & { oldPath?: boolean }).oldPath,
      );
  // Polled every 50 ms (as frames are): the default back-off (up to 1 s) would add up to a second to the recovery bench.
  await expect.poll(fresh, { timeout, intervals: [50] }).toBe(true);
  await expectRemoteFramesFlow(page);
};
