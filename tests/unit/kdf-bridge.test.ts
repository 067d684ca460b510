import { describe, expect, it } from 'vitest';
import { createKdfBridge, type KdfWorkerPort } from '../../src/adapters/kdf/worker-bridge';

/** A worker port the test answers by hand; records what the bridge did to it. */
const fakeWorker = () => {
  const listeners: { message: Array<(e: { data: unknown }) => void>; error: Array<(e: { message: string }) => void> } =
    { message: [], error: [] };
  const state = { posted: [] as unknown[], terminated: 0 };
  const port: KdfWorkerPort = {
    postMessage: (m) => void state.posted.push(m),
    addEventListener: (type: 'message' | 'error', l: never) => void (listeners[type] as unknown[]).push(l),
    terminate: () => void state.terminated++,
  };
  return { port, state, answer: (data: unknown) => listeners.message.forEach((l) => l({ data })) };
};

const PARAMS = { N: 16, r: 8, p: 1, dkLen: 32 };
const password = () => new TextEncoder().encode('hunter2');
const salt = new Uint8Array(16);

describe('KDF worker bridge', () => {
  it("answers with the worker's key and terminates the worker", async () => {
    const w = fakeWorker();
    const kdf = createKdfBridge({ spawn: () => w.port, params: PARAMS });
    const key = kdf.derive(password(), salt);
    expect(w.state.posted).toHaveLength(1);
    w.answer({ id: 1, ok: true, key: new Uint8Array(32).fill(7) });
    expect(await key).toEqual(new Uint8Array(32).fill(7));
    expect(w.state.terminated).toBe(1);
  });

  it('aborting a derivation under way terminates the worker and rejects with the abort reason', async () => {
    const w = fakeWorker();
    const kdf = createKdfBridge({ spawn: () => w.port, params: PARAMS });
    const ctl = new AbortController();
    const key = kdf.derive(password(), salt, ctl.signal);
    expect(w.state.terminated).toBe(0);
    ctl.abort(new Error('call ended'));
    await expect(key).rejects.toThrow('call ended');
    expect(w.state.terminated).toBe(1);
    // A late answer (the worker had already posted it) changes nothing.
    w.answer({ id: 1, ok: true, key: new Uint8Array(32) });
    expect(w.state.terminated).toBe(2);
  });

  it('an already aborted signal never starts a worker', async () => {
    let spawned = 0;
    const kdf = createKdfBridge({ spawn: () => (spawned++, fakeWorker().port), params: PARAMS });
    const ctl = new AbortController();
    ctl.abort();
    await expect(kdf.derive(password(), salt, ctl.signal)).rejects.toThrow();
    expect(spawned).toBe(0);
  });
});
