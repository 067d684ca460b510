// The relay closes a socket whose message comes in more fragments than `maxFragments` (each one an
// attacker may send costs parsing, relay/limits.ts). The default must still let a busy Chromium
// through: here a page sends 300 maximum-size messages back to back (its send queue full, which is
// when Chromium splits a message most) to a ws server with the relay's default fragment cap and
// maximum payload, and every message must arrive with no socket closed. Lowering the cap to 4 fails
// this test (Chromium used 5–8 fragments for a 128 KiB message here).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { WebSocketServer } from 'ws';
import { DEFAULT_LIMITS } from '../../relay/limits';

const MESSAGES = 300;

test('a busy Chromium sending maximum-size messages stays within the default fragment cap', async ({ page }) => {
  const http: Server = createServer((_req, res) => res.end('<!doctype html><title>fragments</title>'));
  const wss = new WebSocketServer({
    server: http,
    maxFragments: DEFAULT_LIMITS.maxFragments,
    maxPayload: DEFAULT_LIMITS.maxPayloadBytes,
    perMessageDeflate: false,
  });
  let received = 0;
  const errors: string[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', () => (received += 1));
    ws.on('error', (e: Error & { code?: string }) => errors.push(e.code ?? e.message));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = http.address() as AddressInfo;
    // Same origin as the socket: Chromium refuses a page from elsewhere a socket to loopback.
    await page.goto(`http://127.0.0.1:${port}/`);
    const state = await page.evaluate(
      async ({ port, size, count }) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
        await new Promise((resolve, reject) => {
          ws.onopen = resolve;
          ws.onerror = reject;
        });
        const text = 'x'.repeat(size);
        for (let i = 0; i < count; i += 1) ws.send(text);
        const closed = new Promise((resolve) => (ws.onclose = resolve));
        // Drained, or closed by the server: whichever comes first.
        while (ws.bufferedAmount > 0 && ws.readyState === WebSocket.OPEN)
          await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 20))]);
        return ws.readyState;
      },
      // Room for the frame header inside the payload cap, as the largest Nostr event would leave.
      { port, size: DEFAULT_LIMITS.maxPayloadBytes - 64, count: MESSAGES },
    );
    await expect.poll(() => received, { message: 'every message reaches the server' }).toBe(MESSAGES);
    expect(errors).toEqual([]);
    expect(state).toBe(1);
  } finally {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    // The page's keep-alive socket would otherwise hold close() open.
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  }
});
