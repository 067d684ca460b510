import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it, vi } from 'vitest';
import { createFakeChannelPair, createFakeFileSaver, type FakeByteChannel } from '../../src/adapters/files/fake';
import { CHUNK_BYTES, encodeChunk, encodeFileControl, parseFileControl } from '../../src/core/file-protocol';
import { SEND_WINDOW_BYTES } from '../../src/core/file-receive';
import { createFileTransferModel, type TransferView } from '../../src/models/file-transfer';
import enRoom from '../../src/ui/i18n/en-room';
import { addEnglish } from '../../src/ui/i18n/i18n';
import { transferReasonText } from '../../src/ui/transfer-reason-text';

// The room's English (the page adds it with the room's screens).
addEnglish(enRoom);

/** Why a transfer ended, as the page words it (in English, the default language). */
const words = (v: TransferView) => (v.reason ? transferReasonText(v.reason) : null);

const random = (n: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
};
/** Larger than the send window, so a sender is still sending when the test acts. */
// Two send windows: a sender stopped by a gate after a few chunks can never have queued the whole
// file and its "done" before a cancel (one window plus four chunks could, and then the receiver
// finished the file before the cancel reached it).
const BIG = 2 * SEND_WINDOW_BYTES;
/** Waits for a condition (the fake channel delivers on later tasks); generous for a busy machine. */
const until = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 5 });
let counter = 0;
const ids = (n: number) => {
  counter++;
  return Uint8Array.from({ length: n }, (_, i) => (i === 0 ? counter : i));
};
const fileOf = (bytes: Uint8Array, name = 'data.bin', type = 'application/octet-stream') =>
  new File([bytes as Uint8Array<ArrayBuffer>], name, { type });

const setUp = (options: { maxFileBytes?: number; streams?: boolean; failWriteAt?: number } = {}) => {
  const [a, b] = createFakeChannelPair();
  const offers = { count: 0 };
  const sender = createFileTransferModel({
    saver: createFakeFileSaver().saver,
    now: () => Date.now(),
    randomBytes: ids,
    onOffer: () => undefined,
  });
  const fake = createFakeFileSaver(options);
  const receiver = createFileTransferModel({
    saver: fake.saver,
    ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
    now: () => Date.now(),
    randomBytes: ids,
    onOffer: () => offers.count++,
  });
  sender.attach(a);
  receiver.attach(b);
  return { a, b, sender, receiver, fake, offers };
};
const only = (m: { transfers: { value: readonly TransferView[] } }) => {
  const [t] = m.transfers.value;
  if (!t) throw new Error('no transfer listed');
  return t;
};
const stateOf = (m: { transfers: { value: readonly TransferView[] } }) => m.transfers.value[0]?.state;

/** A hostile sender: frames written by hand on its end of the channel (no model behind it). */
const hostile = () => {
  const [a, b] = createFakeChannelPair();
  const fake = createFakeFileSaver();
  const receiver = createFileTransferModel({
    saver: fake.saver,
    now: () => Date.now(),
    randomBytes: ids,
    onOffer: () => undefined,
  });
  receiver.attach(b);
  const id = 'aaaaaaaaaaaaaaaa';
  const offer = (size: number) => a.send(encodeFileControl({ t: 'offer', id, name: 'x.bin', size, type: '' }));
  const chunk = (seq: number, length = CHUNK_BYTES) => a.send(encodeChunk(id, seq, new Uint8Array(length)));
  const accepted = () =>
    a.sent.length >= 0 && b.sent.some((f) => typeof f === 'string' && parseFileControl(f)?.t === 'accept');
  return { a, b, receiver, fake, offer, chunk, accepted, id };
};
const cancelsSent = (ch: FakeByteChannel) =>
  ch.sent.filter((f) => typeof f === 'string' && parseFileControl(f)?.t === 'cancel').map((f) => parseFileControl(f));

describe('a file goes person to person', () => {
  it('offer → accept → chunks → verified: the receiver commits exactly the bytes sent', async () => {
    const { sender, receiver, fake, offers } = setUp();
    const bytes = random(3 * CHUNK_BYTES + 123);
    sender.send(fileOf(bytes, '../secret\u202Egpj.exe', 'image/png'));
    await until(() => expect(stateOf(receiver)).toBe('offered'));
    expect(offers.count).toBe(1);
    expect(only(receiver)).toMatchObject({
      name: '.._secretgpj.exe'.replace(/^\.+/, ''),
      size: bytes.length,
      type: 'image/png',
    });
    expect(stateOf(sender)).toBe('waiting');
    await receiver.accept(only(receiver).key);
    await until(() => expect(stateOf(receiver)).toBe('done'));
    await until(() => expect(stateOf(sender)).toBe('done'));
    const [sink] = fake.sinks;
    expect(sink?.state).toBe('committed');
    const got = new Uint8Array(sink?.bytes ?? 0);
    let at = 0;
    for (const c of sink?.chunks ?? []) {
      got.set(c, at);
      at += c.byteLength;
    }
    expect(bytesToHex(sha256(got))).toBe(bytesToHex(sha256(bytes)));
    expect(only(receiver).download?.url).toMatch(/^blob:/);
    expect(only(sender).bytes).toBe(bytes.length);
  });

  it('an empty file arrives too', async () => {
    const { sender, receiver, fake } = setUp();
    sender.send(fileOf(new Uint8Array(0)));
    await until(() => expect(stateOf(receiver)).toBe('offered'));
    await receiver.accept(only(receiver).key);
    await until(() => expect(stateOf(sender)).toBe('done'));
    expect(fake.sinks[0]?.state).toBe('committed');
  });

  it('declined: nothing opened on the receiver, the sender is told', async () => {
    const { sender, receiver, fake } = setUp();
    sender.send(fileOf(random(10)));
    await until(() => expect(stateOf(receiver)).toBe('offered'));
    receiver.reject(only(receiver).key);
    expect(receiver.transfers.value).toHaveLength(0);
    await until(() => expect(stateOf(sender)).toBe('refused'));
    expect(words(only(sender))).toBe('They declined the file.');
    expect(fake.sinks).toHaveLength(0);
  });

  it('an offer over the in-memory limit is refused as too large (unless it streams to disk)', async () => {
    const small = setUp({ maxFileBytes: 100 });
    small.sender.send(fileOf(random(101)));
    await until(() => expect(stateOf(small.sender)).toBe('refused'));
    expect(words(only(small.sender))).toBe('The file is larger than they can receive.');
    expect(only(small.receiver).state).toBe('refused');
    const disk = setUp({ maxFileBytes: 100, streams: true });
    disk.sender.send(fileOf(random(101)));
    await until(() => expect(stateOf(disk.receiver)).toBe('offered'));
  });

  it('either side cancels mid-way: the receiver’s sink is aborted, both say cancelled', async () => {
    for (const side of ['sender', 'receiver'] as const) {
      const { a, b, sender, receiver, fake } = setUp();
      a.gate(5);
      sender.send(fileOf(random(BIG)));
      await until(() => expect(stateOf(receiver)).toBe('offered'));
      await receiver.accept(only(receiver).key);
      await until(() => expect(fake.sinks[0]?.bytes).toBe(5 * CHUNK_BYTES));
      (side === 'sender' ? sender : receiver).cancel(only(side === 'sender' ? sender : receiver).key);
      // What was on its way (and, for the sender's cancel, the cancel itself) arrives now.
      a.gate(null);
      await until(() => expect(stateOf(receiver)).toBe('cancelled'));
      await until(() => expect(stateOf(sender)).toBe('cancelled'));
      expect(words(only(side === 'sender' ? receiver : sender))).toBe('They cancelled the transfer.');
      expect(fake.sinks[0]?.state).toBe('aborted');
      expect(fake.sinks[0]?.chunks).toEqual([]);
      // Everything still on its way in either direction has arrived: nothing resumed, nothing reopened.
      for (const end of [a, b, a]) await end.delivered();
      expect(stateOf(receiver)).toBe('cancelled');
      expect(fake.sinks).toHaveLength(1);
    }
  });

  it('a reconnect mid-way fails both sides with a clear message, and never commits a partial file', async () => {
    const { a, sender, receiver, fake } = setUp();
    a.gate(5);
    sender.send(fileOf(random(BIG)));
    await until(() => expect(stateOf(receiver)).toBe('offered'));
    await receiver.accept(only(receiver).key);
    await until(() => expect(fake.sinks[0]?.bytes).toBeGreaterThan(0));
    a.close();
    for (const m of [sender, receiver]) {
      expect(stateOf(m)).toBe('failed');
      expect(words(only(m))).toMatch(/^The connection was interrupted.*nothing partial was kept/);
    }
    expect(fake.sinks[0]?.state).toBe('aborted');
    expect(sender.ready.value).toBe(false);
  });

  it('a failing disk write stops the transfer on both sides', async () => {
    const { sender, receiver, fake } = setUp({ failWriteAt: 2 * CHUNK_BYTES });
    sender.send(fileOf(random(10 * CHUNK_BYTES)));
    await until(() => expect(stateOf(receiver)).toBe('offered'));
    await receiver.accept(only(receiver).key);
    await until(() => expect(stateOf(receiver)).toBe('failed'));
    await until(() => expect(stateOf(sender)).toBe('failed'));
    expect(fake.sinks[0]?.state).toBe('aborted');
  });

  it('dispose releases every kept download', async () => {
    const { sender, receiver, fake } = setUp();
    sender.send(fileOf(random(10)));
    await until(() => expect(stateOf(receiver)).toBe('offered'));
    await receiver.accept(only(receiver).key);
    await until(() => expect(stateOf(receiver)).toBe('done'));
    receiver.dispose();
    expect(fake.released).toHaveLength(1);
    expect(receiver.transfers.value).toHaveLength(0);
  });
});

describe('a hostile sender is cut off, its memory released', () => {
  it('more bytes than announced', async () => {
    const h = hostile();
    h.offer(CHUNK_BYTES);
    await until(() => expect(stateOf(h.receiver)).toBe('offered'));
    await h.receiver.accept(only(h.receiver).key);
    h.chunk(0);
    h.chunk(1);
    await until(() => expect(stateOf(h.receiver)).toBe('failed'));
    expect(words(only(h.receiver))).toBe(
      'Transfer stopped: They sent more than the size they announced. Nothing was kept.',
    );
    expect(h.fake.sinks[0]?.state).toBe('aborted');
    expect(cancelsSent(h.b)).toEqual([{ t: 'cancel', id: h.id, reason: 'protocol' }]);
  });

  it('chunks for an offer not accepted', async () => {
    const h = hostile();
    h.offer(CHUNK_BYTES);
    await until(() => expect(stateOf(h.receiver)).toBe('offered'));
    h.chunk(0);
    await until(() => expect(stateOf(h.receiver)).toBe('failed'));
    expect(words(only(h.receiver))).toMatch(/before you accepted/);
    expect(h.fake.sinks).toHaveLength(0);
  });

  it('duplicate and out-of-order sequence numbers', async () => {
    for (const seqs of [
      [0, 0],
      [0, 2],
    ]) {
      const h = hostile();
      h.offer(4 * CHUNK_BYTES);
      await until(() => expect(stateOf(h.receiver)).toBe('offered'));
      await h.receiver.accept(only(h.receiver).key);
      for (const s of seqs) h.chunk(s);
      await until(() => expect(stateOf(h.receiver)).toBe('failed'));
      expect(words(only(h.receiver))).toMatch(/out of order/);
      expect(h.fake.sinks[0]?.state).toBe('aborted');
    }
  });

  it('a wrong hash: the file is thrown away, never committed', async () => {
    const h = hostile();
    h.offer(10);
    await until(() => expect(stateOf(h.receiver)).toBe('offered'));
    await h.receiver.accept(only(h.receiver).key);
    h.chunk(0, 10);
    h.a.send(encodeFileControl({ t: 'done', id: h.id, sha256: '0'.repeat(64) }));
    await until(() => expect(stateOf(h.receiver)).toBe('failed'));
    expect(words(only(h.receiver))).toMatch(/SHA-256 did not match/);
    expect(h.fake.sinks[0]?.state).toBe('aborted');
    expect(only(h.receiver).download).toBeNull();
  });

  it('"done" before every announced byte arrived', async () => {
    const h = hostile();
    h.offer(3 * CHUNK_BYTES);
    await until(() => expect(stateOf(h.receiver)).toBe('offered'));
    await h.receiver.accept(only(h.receiver).key);
    h.chunk(0);
    h.a.send(encodeFileControl({ t: 'done', id: h.id, sha256: '0'.repeat(64) }));
    await until(() => expect(stateOf(h.receiver)).toBe('failed'));
    expect(words(only(h.receiver))).toMatch(/less than the size they announced/);
  });

  it('running ahead of the window (a slow disk’s queue would grow without bound)', async () => {
    const [a, b] = createFakeChannelPair();
    // A disk that never finishes a write: nothing is acknowledged.
    const sinks: string[] = [];
    const receiver = createFileTransferModel({
      saver: {
        streams: true,
        open: async () => ({
          write: () => new Promise<void>(() => undefined),
          commit: async () => ({ kind: 'written' }),
          abort: () => sinks.push('aborted'),
        }),
        release: () => undefined,
      },
      now: () => Date.now(),
      randomBytes: ids,
      onOffer: () => undefined,
    });
    receiver.attach(b);
    const id = 'bbbbbbbbbbbbbbbb';
    a.send(encodeFileControl({ t: 'offer', id, name: 'x', size: 2 * SEND_WINDOW_BYTES, type: '' }));
    await until(() => expect(stateOf(receiver)).toBe('offered'));
    await receiver.accept(only(receiver).key);
    const chunks = SEND_WINDOW_BYTES / CHUNK_BYTES + 2;
    const zero = new Uint8Array(CHUNK_BYTES);
    for (let s = 0; s < chunks; s++) a.send(encodeChunk(id, s, zero));
    await until(() => expect(stateOf(receiver)).toBe('failed'));
    expect(words(only(receiver))).toMatch(/far ahead of what was stored/);
    expect(sinks).toEqual(['aborted']);
  });

  it('a flood of offers: a burst of three is shown, the rest dropped; never more than three wait', async () => {
    const [a, b] = createFakeChannelPair();
    const receiver = createFileTransferModel({
      saver: createFakeFileSaver().saver,
      now: () => Date.now(),
      randomBytes: ids,
      onOffer: () => undefined,
    });
    receiver.attach(b);
    for (let i = 0; i < 50; i++)
      a.send(encodeFileControl({ t: 'offer', id: `${i}`.padStart(16, '0'), name: 'x', size: 1, type: '' }));
    // All 50 offers have been handled (each synchronously on arrival) before the count is read.
    await a.delivered();
    expect(receiver.transfers.value).toHaveLength(3);
  });
});
