// Issue 16, "three at once ends full,full,waiting about once in twelve runs". This plays the
// interleaving against a real relay (its default two-key cap per topic) with Trystero-shaped frames,
// and feeds each page's frames to the app's relay verdicts (src/core/relay-notice.ts) as the
// signaling adapter does. On the old verdicts Bob, one of the room's two seated people, was told the
// room is full because the relay refused his offer in Alice's inbox, where Carol (the third) had
// written first.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRelayVerdicts } from '../../src/core/relay-notice.js';
import { connect, createSigner, isEose, isOk, relayFixture } from './helpers.js';

const startRelay = relayFixture();
const topic = (name: string) => createHash('sha1').update(name).digest('hex');

describe('three people racing for one room on a capped relay', () => {
  it('the third is told the room is full; the one refused only in a peer’s inbox is not, and gets through once the third has left', async () => {
    const relay = await startRelay();
    const room = topic('room');
    const page = async (name: string) => {
      const client = await connect(relay.address().wsUrl);
      const signer = createSigner();
      const verdicts = createRelayVerdicts();
      const inbox = topic(`room@${name}`);
      const send = (frame: unknown[]) => {
        verdicts.sent('relay', JSON.stringify(frame));
        client.send(frame);
      };
      const publish = async (to: string, content: object) => {
        const event = signer.sign({ kind: 24242, tags: [['x', to]], content: JSON.stringify(content) });
        send(['EVENT', event]);
        const answer = await client.next(isOk(event.id), `OK for ${name}`);
        verdicts.received('relay', JSON.stringify(answer));
        return answer[2] === true;
      };
      send(['REQ', `${name}-sub`, { kinds: [24242], '#x': [room, inbox] }]);
      await client.next(isEose(`${name}-sub`), `EOSE for ${name}`);
      return { client, inbox, publish, full: () => verdicts.fullEverywhere(['relay']) };
    };
    const [alice, bob, carol] = [await page('alice'), await page('bob'), await page('carol')];

    // Alice and Bob announce first: the room topic's two seats are theirs.
    expect(await alice.publish(room, { peerId: 'alice' })).toBe(true);
    expect(await bob.publish(room, { peerId: 'bob' })).toBe(true);
    // Carol heard Alice's announce and answers in Alice's inbox before announcing herself.
    expect(await carol.publish(alice.inbox, { peerId: 'carol' })).toBe(true);
    // Her own announce is refused: she is the third, and is told so.
    expect(await carol.publish(room, { peerId: 'carol' })).toBe(false);
    expect(carol.full()).toBe(true);
    // Bob's offer to Alice is refused in her inbox (it seats Alice and Carol): not a verdict on the room.
    expect(await bob.publish(alice.inbox, { peerId: 'bob', offer: 'sdp' })).toBe(false);
    expect(bob.full()).toBe(false);
    expect(alice.full()).toBe(false);
    // Carol leaves (a page told "room full" leaves the rendezvous): Bob's offer gets through.
    carol.client.close();
    await carol.client.closed;
    let through = false;
    for (let attempt = 0; attempt < 50 && !through; attempt++)
      through = await bob.publish(alice.inbox, { peerId: 'bob', offer: `sdp${attempt}` });
    expect(through).toBe(true);
    expect(bob.full()).toBe(false);
    alice.client.close();
    bob.client.close();
  });
});
