// Files person to person, in real Chromium over a real data channel: a 64 MiB random file arrives
// byte for byte (SHA-256 of the saved download checked here in Node); a declined offer and a
// cancel mid-way leave nothing behind; a peer that breaks the protocol (more bytes than announced,
// data before acceptance) is cut off.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Download, type Page } from '@playwright/test';
import { type FileTestWindow, type Gate, withInstruments } from './file-gate';
import { joinPeer, openPeer, startCall, type Peer } from './helpers';

test.describe.configure({ timeout: 120_000 });

const MiB = 1024 * 1024;

const connectedPair = async (browser: Browser): Promise<[Peer, Peer]> => {
  const alice = await openPeer(browser, '/', withInstruments);
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link, withInstruments);
  for (const p of [alice, bob])
    await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
  return [alice, bob];
};

const openChat = async (page: Page) => {
  await page.getByRole('button', { name: /^Chat/ }).click();
  await expect(page.getByRole('button', { name: 'Send a file' })).toBeEnabled();
};
const row = (page: Page, direction: 'send' | 'receive') =>
  page.locator(`[data-testid="file-transfer"][data-direction="${direction}"]`);
/** Every download a page starts from now on. */
const downloadsOf = (page: Page): Download[] => {
  const seen: Download[] = [];
  page.on('download', (d) => seen.push(d));
  return seen;
};
const progressSeen = (page: Page) => page.evaluate(() => (window as unknown as FileTestWindow).__progress);

let dir = '';
/** One 64 MiB random file for every test, and its SHA-256. */
let big = { path: '', sha256: '', size: 0 };
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-files-'));
  const bytes = randomBytes(64 * MiB);
  big = {
    path: join(dir, 'random-64MiB.bin'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
  };
  writeFileSync(big.path, bytes);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a 64 MiB random file goes A → B with progress on both sides; what B saves has A’s SHA-256', async ({
  browser,
}) => {
  // Seconds on a quiet machine; with five suites sharing two cores it has taken over a minute.
  test.setTimeout(300_000);
  const [alice, bob] = await connectedPair(browser);
  await openChat(alice.page);
  await alice.page.getByTestId('file-input').setInputFiles(big.path);

  // The offer opens Bob's chat panel: name, size and type, and nothing flows until he accepts.
  const offer = row(bob.page, 'receive');
  await expect(offer).toHaveAttribute('data-state', 'offered');
  await expect(offer.getByTestId('file-name')).toHaveText('random-64MiB.bin');
  await expect(offer).toContainText('67.1 MB, application/octet-stream');
  await expect(row(alice.page, 'send')).toHaveAttribute('data-state', 'waiting');
  await offer.getByRole('button', { name: 'Accept' }).click();

  await expect(offer).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(row(alice.page, 'send')).toHaveAttribute('data-state', 'done');
  // Both sides showed the transfer part-way (a progress value strictly between none and all).
  for (const p of [alice.page, bob.page]) expect((await progressSeen(p)).some((v) => v > 0 && v < big.size)).toBe(true);

  const [download] = await Promise.all([bob.page.waitForEvent('download'), offer.getByTestId('file-save').click()]);
  expect(download.suggestedFilename()).toBe('random-64MiB.bin');
  const saved = createHash('sha256')
    .update(readFileSync(await download.path()))
    .digest('hex');
  expect(saved).toBe(big.sha256);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});

test('a declined offer and a cancel mid-way (by either side) leave nothing behind', async ({ browser }) => {
  const [alice, bob] = await connectedPair(browser);
  const bobDownloads = downloadsOf(bob.page);
  await openChat(alice.page);
  const file = (name: string, size: number) => ({ name, mimeType: 'application/pdf', buffer: randomBytes(size) });

  // Declined: Bob's list is empty again, Alice is told.
  await alice.page.getByTestId('file-input').setInputFiles(file('report.pdf', MiB));
  await expect(row(bob.page, 'receive')).toHaveAttribute('data-state', 'offered');
  await expect(row(bob.page, 'receive')).toContainText('application/pdf');
  await row(bob.page, 'receive').getByRole('button', { name: 'Decline' }).click();
  await expect(row(bob.page, 'receive')).toHaveCount(0);
  await expect(row(alice.page, 'send')).toHaveAttribute('data-state', 'refused');
  await expect(row(alice.page, 'send')).toContainText('They declined the file.');
  await row(alice.page, 'send').getByRole('button', { name: 'Dismiss' }).click();
  await expect(row(alice.page, 'send')).toHaveCount(0);

  // Cancelled by the receiver mid-way, then by the sender mid-way: the gate holds Alice's frames
  // after the first 24 chunks (1.5 MiB) of the 64 MiB file, so the cancel always lands part-way.
  for (const who of ['receiver', 'sender'] as const) {
    await alice.page.evaluate(() => {
      (window as unknown as FileTestWindow).__gate = { limit: 24, sent: 0, held: [] };
    });
    await alice.page.getByTestId('file-input').setInputFiles(big.path);
    await row(bob.page, 'receive').getByRole('button', { name: 'Accept' }).click();
    // Bob stored and acknowledged the 24 chunks: the transfer is visibly under way on both sides.
    await expect(row(alice.page, 'send')).toContainText('1.6 MB of 67.1 MB');
    await expect(row(bob.page, 'receive')).toContainText('1.6 MB of 67.1 MB');
    const canceller = who === 'receiver' ? row(bob.page, 'receive') : row(alice.page, 'send');
    await canceller.getByRole('button', { name: 'Cancel' }).click();
    await expect(canceller).toHaveAttribute('data-state', 'cancelled');
    // What was on its way (for the sender's cancel, the cancel itself, behind its chunks) arrives now:
    // after a cancel Bob drops the chunks; nothing resumes or appears.
    const flushed = await alice.page.evaluate(() => {
      const gate = (window as unknown as FileTestWindow).__gate as Gate;
      (window as unknown as FileTestWindow).__gate = null;
      for (const [channel, data] of gate.held) channel.send(data as ArrayBuffer);
      return gate.held.length;
    });
    expect(flushed).toBeGreaterThan(0);
    await expect(row(bob.page, 'receive')).toHaveAttribute('data-state', 'cancelled');
    await expect(row(alice.page, 'send')).toHaveAttribute('data-state', 'cancelled');
    const told = who === 'receiver' ? row(alice.page, 'send') : row(bob.page, 'receive');
    await expect(told).toContainText('They cancelled the transfer.');
    await expect(bob.page.getByTestId('file-save')).toHaveCount(0);
    // Dismissed, the entries are gone from both screens: UI state cleared.
    await row(bob.page, 'receive').getByRole('button', { name: 'Dismiss' }).click();
    await row(alice.page, 'send').getByRole('button', { name: 'Dismiss' }).click();
    await expect(row(bob.page, 'receive')).toHaveCount(0);
    await expect(row(alice.page, 'send')).toHaveCount(0);
  }
  expect(bobDownloads).toHaveLength(0);
  await alice.context.close();
  await bob.context.close();
});

test('a hostile sender is cut off: more bytes than announced, and data before acceptance', async ({ browser }) => {
  const [mallory, bob] = await connectedPair(browser);
  const bobDownloads = downloadsOf(bob.page);
  // Mallory speaks the file protocol by hand on her page's file channel, ignoring her own app.
  await mallory.page.evaluate(() => {
    const w = window as unknown as FileTestWindow & { __raw: unknown };
    const channel = w.__fileChannels.filter((c) => c.readyState === 'open').at(-1) as RTCDataChannel;
    const accepted = new Set<string>();
    channel.addEventListener('message', (e) => {
      if (typeof e.data !== 'string') return;
      const f = JSON.parse(e.data) as { t: string; id: string };
      if (f.t === 'accept') accepted.add(f.id);
    });
    const chunk = (id: string, seq: number, length: number) => {
      const frame = new Uint8Array(13 + length);
      frame[0] = 1;
      for (let i = 0; i < 8; i++) frame[1 + i] = Number.parseInt(id.slice(2 * i, 2 * i + 2), 16);
      new DataView(frame.buffer).setUint32(9, seq);
      crypto.getRandomValues(frame.subarray(13, 13 + Math.min(length, 65536)));
      return frame;
    };
    w.__raw = {
      offer: (id: string, name: string, size: number) =>
        channel.send(JSON.stringify({ v: 1, t: 'offer', id, name, size, type: 'application/octet-stream' })),
      accepted: (id: string) => accepted.has(id),
      chunks: (id: string, from: number, count: number) => {
        for (let s = from; s < from + count; s++) channel.send(chunk(id, s, 65536));
      },
      done: (id: string) => channel.send(JSON.stringify({ v: 1, t: 'done', id, sha256: '0'.repeat(64) })),
    };
  });
  type Raw = {
    offer(id: string, name: string, size: number): void;
    accepted(id: string): boolean;
    chunks(id: string, from: number, count: number): void;
    done(id: string): void;
  };
  const raw = <K extends keyof Raw>(method: K, ...args: Parameters<Raw[K]>) =>
    mallory.page.evaluate(
      ([m, a]) => (window as unknown as { __raw: Record<string, (...x: unknown[]) => unknown> }).__raw[m]?.(...a),
      [method, args] as const,
    );

  // 1. Announces 1 MiB, sends 1 MiB and one chunk more, then "done".
  await raw('offer', '00000000000000aa', 'small.bin', 1024 * 1024);
  await row(bob.page, 'receive').getByRole('button', { name: 'Accept' }).click();
  await expect.poll(() => raw('accepted', '00000000000000aa')).toBe(true);
  await raw('chunks', '00000000000000aa', 0, 17);
  await raw('done', '00000000000000aa');
  const first = row(bob.page, 'receive');
  await expect(first).toHaveAttribute('data-state', 'failed');
  await expect(first).toContainText('They sent more than the size they announced. Nothing was kept.');
  await expect(first.getByTestId('file-save')).toHaveCount(0);
  await first.getByRole('button', { name: 'Dismiss' }).click();

  // 2. Offers, and sends data without waiting for an answer.
  await raw('offer', '00000000000000bb', 'eager.bin', 1024 * 1024);
  await expect(row(bob.page, 'receive')).toHaveAttribute('data-state', 'offered');
  await raw('chunks', '00000000000000bb', 0, 1);
  await expect(row(bob.page, 'receive')).toHaveAttribute('data-state', 'failed');
  await expect(row(bob.page, 'receive')).toContainText('They sent file data before you accepted it.');

  expect(bobDownloads).toHaveLength(0);
  // Bob's call goes on.
  await expect(bob.page.getByTestId('status')).toHaveAttribute('data-status', 'connected');
  await mallory.context.close();
  await bob.context.close();
});
