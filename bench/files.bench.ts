// File throughput over loopback beside what a bare data channel carries in the same run, between the
// same two browser contexts. Both move 64 MiB in 64 KiB messages with the same send-buffer limits;
// the raw figure is the ceiling (no reading, framing, hashing, acknowledging or storing), the file
// figure is what a person sees: from "Accept" to the SHA-256-verified file on the receiver's side.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { GOALS, reportGoal } from './goals';
import { connectedPair } from './pair';
import { appPort } from './playwright.config';

const RUNS = Number(process.env['BENCH_FILE_RUNS'] ?? 5);
const SIZE = 64 * 1024 * 1024;
const MESSAGE = 64 * 1024;
/** The app's send-buffer limits (src/models/file-transfer.ts), so the raw sender is paced alike. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const GOAL_RATIO = 0.8;

type Timing = { acceptedAt: number | null; doneAt: number | null };

/** Records on the receiver's clock when "Accept" is clicked and when the row reads done (verified). */
const recordFileTiming = () => {
  Object.defineProperty(window, 'showSaveFilePicker', { value: undefined, configurable: true });
  const w = window as unknown as { __file: Timing };
  w.__file = { acceptedAt: null, doneAt: null };
  addEventListener(
    'click',
    (e) => {
      if ((e.target as HTMLElement | null)?.textContent === 'Accept') w.__file.acceptedAt = performance.now();
    },
    true,
  );
  new MutationObserver(() => {
    if (w.__file.acceptedAt !== null && document.querySelector('[data-testid="file-transfer"][data-state="done"]'))
      w.__file.doneAt ??= performance.now();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
};

/** A bare RTCPeerConnection pair between the two pages (SDP carried by this process); returns MB/s. */
const rawThroughput = async (a: Page, b: Page): Promise<number> => {
  const offer = await a.evaluate(async () => {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const dc = pc.createDataChannel('raw', { ordered: true });
    dc.binaryType = 'arraybuffer';
    (window as unknown as { __raw: unknown }).__raw = { pc, dc };
    await pc.setLocalDescription();
    await new Promise<void>((r) =>
      pc.iceGatheringState === 'complete'
        ? r()
        : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()),
    );
    return pc.localDescription?.toJSON() as RTCSessionDescriptionInit;
  });
  const answer = await b.evaluate(async (offer) => {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const channel = new Promise<RTCDataChannel>((r) => (pc.ondatachannel = (e) => r(e.channel)));
    (window as unknown as { __raw: unknown }).__raw = { pc, channel };
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription();
    await new Promise<void>((r) =>
      pc.iceGatheringState === 'complete'
        ? r()
        : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()),
    );
    return pc.localDescription?.toJSON() as RTCSessionDescriptionInit;
  }, offer);
  await a.evaluate(async (answer) => {
    const { pc } = (window as unknown as { __raw: { pc: RTCPeerConnection } }).__raw;
    await pc.setRemoteDescription(answer);
  }, answer);
  // The sender waits for "go"; the receiver starts its clock as it says "go" (as "Accept" does).
  const sending = a.evaluate(
    async ({ size, message, high, low }) => {
      const { dc } = (window as unknown as { __raw: { dc: RTCDataChannel } }).__raw;
      if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
      await new Promise((r) => dc.addEventListener('message', r, { once: true }));
      dc.bufferedAmountLowThreshold = low;
      const payload = new Uint8Array(message);
      crypto.getRandomValues(payload);
      for (let sent = 0; sent < size; sent += message) {
        if (dc.bufferedAmount > high)
          await new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true }));
        dc.send(payload);
      }
    },
    { size: SIZE, message: MESSAGE, high: HIGH_WATER, low: LOW_WATER },
  );
  const ms = await b.evaluate(async (size) => {
    const raw = (window as unknown as { __raw: { pc: RTCPeerConnection; channel: Promise<RTCDataChannel> } }).__raw;
    const dc = await raw.channel;
    dc.binaryType = 'arraybuffer';
    if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
    let got = 0;
    const done = new Promise<number>((resolve) => {
      dc.onmessage = (e) => {
        got += (e.data as ArrayBuffer).byteLength;
        if (got >= size) resolve(performance.now());
      };
    });
    const start = performance.now();
    dc.send('go');
    const end = await done;
    raw.pc.close();
    return end - start;
  }, SIZE);
  await sending;
  await a.evaluate(() => (window as unknown as { __raw: { pc: RTCPeerConnection } }).__raw.pc.close());
  return SIZE / 1e6 / (ms / 1000);
};

/** One file A → B through the app: MB/s from Bob's "Accept" to his verified file. */
const fileThroughput = async (a: Page, b: Page, path: string): Promise<number> => {
  await b.evaluate(() => {
    (window as unknown as { __file: Timing }).__file = { acceptedAt: null, doneAt: null };
  });
  await a.getByTestId('file-input').setInputFiles(path);
  const offer = b.locator('[data-testid="file-transfer"][data-direction="receive"]');
  await offer.getByRole('button', { name: 'Accept' }).click();
  await expect(offer).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  const t = await b.evaluate(() => (window as unknown as { __file: Timing }).__file);
  if (t.acceptedAt === null || t.doneAt === null) throw new Error('bench: the file transfer was not timed');
  for (const p of [a, b]) await p.getByRole('button', { name: 'Dismiss' }).click();
  return SIZE / 1e6 / ((t.doneAt - t.acceptedAt) / 1000);
};

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)] ?? Number.NaN;

test('file throughput over loopback beside the raw data channel', async ({ browser }) => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-files-'));
  const path = join(dir, 'random-64MiB.bin');
  const bytes = randomBytes(SIZE);
  writeFileSync(path, bytes);
  const pair = await connectedPair(browser, `http://127.0.0.1:${appPort}`, recordFileTiming, recordFileTiming);
  try {
    await pair.a.getByRole('button', { name: /^Chat/ }).click();
    await expect(pair.a.getByRole('button', { name: 'Send a file' })).toBeEnabled();
    const raw: number[] = [];
    const file: number[] = [];
    // Interleaved, so a change in the machine's load meets both alike.
    for (let i = 0; i < RUNS; i++) {
      raw.push(await rawThroughput(pair.a, pair.b));
      file.push(await fileThroughput(pair.a, pair.b, path));
    }
    const r = median(raw);
    const f = median(file);
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
    console.log(
      [
        '',
        `file throughput, 64 MiB over loopback, ${RUNS} runs each (MB/s, median)`,
        `  raw data channel ${r.toFixed(1)}   [${fmt(raw)}]`,
        `  file (accept → verified) ${f.toFixed(1)}   [${fmt(file)}]`,
        '',
      ].join('\n'),
    );
    reportGoal({
      goal: GOALS.fileThroughput,
      figure: `${f.toFixed(1)} MB/s file vs ${r.toFixed(1)} MB/s raw = ${(f / r).toFixed(2)}×`,
      met: f >= GOAL_RATIO * r,
    });
  } finally {
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
