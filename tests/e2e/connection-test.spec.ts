import { expect, test } from '@playwright/test';
import { baseURL } from '../../playwright.config';
import { openPeer } from './helpers';
import { startTurnRig, type TurnRig } from './turn-blip';

const RELAY_PORT = 19120;
const TURN_PORT = 19121;
/** Nothing listens here: a relay listed in config.json that is down. */
const DEAD_RELAY = 'ws://127.0.0.1:19122/';

const lines = (page: import('@playwright/test').Page) => page.getByTestId('connection-test').getByRole('listitem');

test('with the default config: our relay answers as a Nostr relay, and no STUN/TURN is configured', async ({
  browser,
}) => {
  const peer = await openPeer(browser);
  await peer.page.getByRole('button', { name: 'Test connection' }).click();
  const relay = `ws://${new URL(baseURL).host}/`;
  await expect(lines(peer.page)).toHaveText([
    `✓ ${relay}: Reachable, and answers as a Nostr relay, as config.json says.`,
    /^✗ STUN\/TURN: No STUN or TURN server is configured/,
  ]);
  expect(peer.errors).toEqual([]);
  await peer.context.close();
});

test.describe('with a TURN server and a relay that is down', () => {
  let rig: TurnRig;
  test.beforeAll(async () => {
    rig = await startTurnRig(RELAY_PORT, TURN_PORT, [
      '--config-relay',
      `ws://127.0.0.1:${RELAY_PORT}/`,
      '--config-relay',
      DEAD_RELAY,
      '--connect-src',
      DEAD_RELAY,
    ]);
  });
  test.afterAll(async () => rig.stop());

  test('says which relay answers, that TURN answers with the relay-issued credentials, and that it does not once it is down', async ({
    browser,
  }) => {
    const peer = await openPeer(browser, `${rig.relay.url}/`);
    await peer.page.getByRole('button', { name: 'Test connection' }).click();
    await expect(lines(peer.page)).toHaveText([
      `✓ ws://127.0.0.1:${RELAY_PORT}/: Reachable, and answers as a Nostr relay, as config.json says.`,
      `✗ ${DEAD_RELAY}: Unreachable: no WebSocket connection. The relay is down or the address is wrong, or it refused this site (a browser is not told why).`,
      `✓ TURN 127.0.0.1:${TURN_PORT}: TURN server answered: calls can be relayed through it when a direct path fails.`,
    ]);

    rig.turn.pause();
    await peer.page.getByRole('button', { name: 'Test connection' }).click();
    await expect(peer.page.getByRole('button', { name: 'Test connection' })).toBeEnabled({ timeout: 15_000 });
    await expect(lines(peer.page).nth(2)).toHaveText(
      `✗ TURN 127.0.0.1:${TURN_PORT}: TURN server did not answer (unreachable, or its credentials were refused).`,
    );
    rig.turn.resume();
    await peer.context.close();
  });
});
