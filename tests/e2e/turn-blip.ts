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

export const startTurnRig = async (relayPort: number, turnPort: number, extraRelayArgs: string[] = []): Promise<TurnRig> => {
  const secret = 'parley-test-turn-secret';
  const file = join(mkdtempSync(join(tmpdir(), 'parley-turn-')), 'secret');
  writeFileSync(file, secret);
  const turn = await startTurnServer(turnPort, secret);
  const relay = relayProcess(relayPort, ['--turn-url', `turn:127.0.0.1:${turnPort}`, '--turn-secret-file', file, '--turn-only', ...extraRelayArgs]);
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
