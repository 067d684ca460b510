import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { WebSocket } from 'ws';

// One client that floods the relay with EVENT frames at a steady rate over a few connections (so no
// single connection's own rate limit contains it), reconnecting whenever it is cut off or refused,
// as an abuser would. Each frame is a distinct well-formed event with a
// correct id and a forged signature, so a relay that parses it pays for the hash and the signature
// check. Bounded: it stops when told, and never sends faster than `framesPerSecond`.

export interface FloodStats {
  sent: number;
  /** Connections the relay closed on us (e.g. 1008 for persistent over-budget). */
  disconnects: number;
  /** Upgrades refused (e.g. 429 while our address is penalised). */
  refusedUpgrades: number;
}

export interface Flooder {
  stats: FloodStats;
  stop(): Promise<FloodStats>;
}

const floodFrames = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => {
    const fields = {
      pubkey: '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
      created_at: Math.floor(Date.now() / 1000),
      kind: 24242,
      tags: [['x', 'flood']],
      content: `flood ${i}`,
    };
    const id = bytesToHex(
      sha256(
        utf8ToBytes(JSON.stringify([0, fields.pubkey, fields.created_at, fields.kind, fields.tags, fields.content])),
      ),
    );
    return JSON.stringify(['EVENT', { ...fields, id, sig: 'ab'.repeat(64) }]);
  });

export const startFlooder = (url: string, localAddress: string, framesPerSecond: number, connections = 8): Flooder => {
  const frames = floodFrames(1000);
  const stats: FloodStats = { sent: 0, disconnects: 0, refusedUpgrades: 0 };
  let stopped = false;
  const sockets: (WebSocket | undefined)[] = Array.from({ length: connections }, () => undefined);
  const reconnectTimers = new Set<NodeJS.Timeout>();
  const t0 = performance.now();

  const connect = (slotIndex: number): void => {
    if (stopped) return;
    const ws = new WebSocket(url, { localAddress });
    sockets[slotIndex] = ws;
    let opened = false;
    ws.on('error', () => {});
    ws.on('message', () => {});
    ws.on('unexpected-response', (_req, res) => {
      stats.refusedUpgrades += 1;
      res.resume();
    });
    ws.on('open', () => (opened = true));
    ws.on('close', () => {
      if (stopped) return;
      if (opened) stats.disconnects += 1;
      const timer = setTimeout(() => {
        reconnectTimers.delete(timer);
        connect(slotIndex);
      }, 50);
      reconnectTimers.add(timer);
    });
  };
  for (let i = 0; i < connections; i += 1) connect(i);

  // 5 ms ticks: send what the rate allows since the start, skipping while the socket is down or backed up.
  let slot = 0;
  const tick = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * framesPerSecond);
    for (; slot < due; slot += 1) {
      // A flooder that cannot send now (socket down or backed up) does not catch up in a burst later.
      const socket = sockets[slot % connections];
      if (socket?.readyState !== WebSocket.OPEN || socket.bufferedAmount > 1 << 20) continue;
      socket.send(frames[slot % frames.length] as string);
      stats.sent += 1;
    }
  }, 5);

  return {
    stats,
    stop: async () => {
      stopped = true;
      clearInterval(tick);
      for (const timer of reconnectTimers) clearTimeout(timer);
      for (const socket of sockets) socket?.terminate();
      return stats;
    },
  };
};
