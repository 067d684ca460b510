import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createSigner, isOk, waitUntil, type TestClient, relayFixture } from './helpers.js';
import type { Relay } from '../../relay/server.js';

// A bare TCP client that performs the WebSocket handshake by hand and then does exactly what a
// dead or stalled browser does: never answers pings, or never reads.

const start = relayFixture();
const clients: TestClient[] = [];
const raws: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const r of raws.splice(0)) r.destroy();
});

/** Opens a raw socket and completes the upgrade; resolves once the 101 arrived. */
const rawWebSocket = (relay: Relay): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const { port } = relay.address();
    const socket = netConnect(port, '127.0.0.1');
    raws.push(socket);
    socket.on('error', () => {});
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve(socket);
      else reject(new Error(head.split('\r\n')[0]));
    };
    socket.on('data', onData);
    socket.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });

/** A masked client text frame (RFC 6455 §5.2), short payloads only. */
const textFrame = (text: string): Buffer => {
  const payload = Buffer.from(text, 'utf8');
  if (payload.length > 125) throw new Error('short frames only');
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
};

describe('heartbeat and slow consumers', () => {
  it('terminates a client that stops answering pings, freeing its place', async () => {
    const relay = await start({ limits: { heartbeatMs: 50 } });
    const raw = await rawWebSocket(relay);
    const honest = await connect(relay.address().wsUrl); // ws answers pings by itself
    clients.push(honest);
    await waitUntil(() => relay.stats().connections === 2, 'both connected');
    await new Promise<void>((resolve) => raw.once('close', () => resolve()));
    await waitUntil(() => relay.stats().connections === 1, 'the silent one is gone');
    expect(relay.stats().connections).toBe(1);
  });

  it('cuts off a subscriber that stops reading once its send buffer passes the cap, and keeps serving others', async () => {
    const relay = await start({
      limits: {
        maxBufferedBytes: 64 * 1024,
        connectionRate: { perSecond: 1e6, burst: 1e6 },
        ipRate: { perSecond: 1e6, burst: 1e6 },
      },
    });
    const stalled = await rawWebSocket(relay);
    stalled.write(textFrame('["REQ","s",{"#x":["slow"]}]'));
    stalled.pause(); // never reads again: the kernel buffers fill, then the relay's
    const closed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
    const publisher = await connect(relay.address().wsUrl);
    clients.push(publisher);
    const signer = createSigner();
    const big = 'z'.repeat(100 * 1024);
    let n = 0;
    const metricSlow = (): number =>
      Number(/^parley_relay_refusals_total\{reason="slow_consumer"\} (\d+)$/m.exec(relay.metrics())?.[1]);
    // Publish until the relay gives up on the stalled reader (bounded: 400 events of 100 KB = 40 MB).
    while (metricSlow() === 0 && n < 400) {
      const event = signer.sign({ kind: 24242, tags: [['x', 'slow']], content: `${n}${big}` });
      publisher.send(['EVENT', event]);
      expect((await publisher.next(isOk(event.id)))[2]).toBe(true);
      n += 1;
    }
    expect(metricSlow()).toBe(1);
    stalled.destroy();
    await closed;
    await waitUntil(() => relay.stats().connections === 1, 'only the publisher is left');
  }, 60_000);
});
