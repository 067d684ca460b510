import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { newKey, signEvent, type BenchEvent } from './sign.js';

// The honest pair whose latency an attack must not hurt: page A publishes signed ephemeral events
// (6 a second, more than Trystero sends while connecting) on topic T, page B reads them, both from
// their own address. Not more: each costs ~5 budget units (a frame and a signature check, COST in
// relay/limits.ts) and one connection may spend 40 a second, so at 20 a second (the rate before the
// merge of the cost budgets) the pair's own connection was refused half its events. Latency = B's arrival time − A's send time, in this one process.

export const HONEST_ADDRESS = '127.0.0.3';
const RATE = 6;
const KIND = 24242;

export interface LatencyFigures {
  sent: number;
  received: number;
  /** Sorted; a message that never arrived counts as Infinity. */
  latencies: number[];
}

export interface HonestPair {
  topic: string;
  /** Signs an event as A (for the replay attacks: what a replayer could capture or A once signed). */
  signAsA(fields: { content: string; created_at?: number }): BenchEvent;
  /** Sends `event` from A and resolves once B got it (the path works before an attack starts). */
  sendAndWait(event: BenchEvent, timeoutMs: number): Promise<void>;
  /** Times B received each id, for counting replays. */
  receivedIds: Map<string, number>;
  /** Bytes B received, per event id. */
  receivedBytes: Map<string, number>;
  /** Sends at RATE/s for `seconds`, then waits up to `settleMs` for stragglers. */
  measure(seconds: number, settleMs: number): Promise<LatencyFigures>;
  /** Set if the relay closed A or B. */
  closed(): boolean;
  close(): void;
}

const open = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress: HONEST_ADDRESS, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

export const openHonestPair = async (url: string): Promise<HonestPair> => {
  const [a, b] = await Promise.all([open(url), open(url)]);
  let wasClosed = false;
  for (const ws of [a, b]) {
    ws.on('error', () => {});
    ws.on('close', () => (wasClosed = true));
  }
  const topic = `honest-${Math.random().toString(36).slice(2)}`.padEnd(40, '0');
  const key = newKey();
  const sentAt = new Map<string, number>();
  const receivedIds = new Map<string, number>();
  const receivedBytes = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  let latencies: number[] = [];
  b.on('message', (data: Buffer) => {
    const at = performance.now();
    const m = JSON.parse(data.toString()) as [string, string, BenchEvent];
    if (m[0] !== 'EVENT') return;
    const id = m[2].id;
    receivedIds.set(id, (receivedIds.get(id) ?? 0) + 1);
    receivedBytes.set(id, (receivedBytes.get(id) ?? 0) + data.length);
    const t = sentAt.get(id);
    if (t !== undefined && receivedIds.get(id) === 1) latencies.push(at - t);
    waiters.get(id)?.();
  });
  a.on('message', () => {});
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the honest reader got no EOSE within 5 s')), 5000);
    b.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    b.send(JSON.stringify(['REQ', 'honest', { kinds: [KIND], '#x': [topic] }]));
  });
  const signAsA = (fields: { content: string; created_at?: number }): BenchEvent =>
    signEvent(key, { kind: KIND, tags: [['x', topic]], ...fields });
  const send = (event: BenchEvent): void => {
    sentAt.set(event.id, performance.now());
    if (a.readyState === WebSocket.OPEN) a.send(JSON.stringify(['EVENT', event]));
  };
  return {
    topic,
    signAsA,
    receivedIds,
    receivedBytes,
    sendAndWait: (event, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the honest pair's event did not arrive within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.set(event.id, () => {
          clearTimeout(timer);
          waiters.delete(event.id);
          resolve();
        });
        send(event);
      }),
    measure: async (seconds, settleMs) => {
      latencies = [];
      const ids: string[] = [];
      const count = Math.round(seconds * RATE);
      // Signed ahead so signing never delays a send.
      const events = Array.from({ length: count }, (_, i) =>
        signAsA({ content: JSON.stringify({ peerId: 'honest', n: i, pad: 'p'.repeat(200) }) }),
      );
      const t0 = performance.now();
      for (let i = 0; i < count; i += 1) {
        const due = t0 + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const event = events[i] as BenchEvent;
        ids.push(event.id);
        send(event);
      }
      const settleUntil = performance.now() + settleMs;
      while (ids.some((id) => !receivedIds.has(id)) && performance.now() < settleUntil)
        await new Promise((r) => setTimeout(r, 20));
      const received = ids.filter((id) => receivedIds.has(id)).length;
      const all = [...latencies, ...Array.from({ length: count - received }, () => Infinity)].sort((x, y) => x - y);
      return { sent: count, received, latencies: all };
    },
    closed: () => wasClosed,
    close: () => {
      a.terminate();
      b.terminate();
    },
  };
};
