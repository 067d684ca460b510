// Fixed test vectors for parley-verify-v1 (tests/unit/vectors/verify-v1.json): commitment, transcript hash,
// SAS bytes, emoji indices, decimal numbers, confirm and done MACs from fixed keys and nonces.
//
// How they were produced: by the *independent* implementation in this file (node:crypto — X25519 via
// KeyObjects and crypto.diffieHellman, createHash('sha256'), hkdfSync, createHmac — with its own `lp` and its
// own bit-string SAS decoding), never by src/core. Regenerate with
//   WRITE_VERIFY_VECTORS=1 npx vitest run tests/unit/verify-vectors.test.ts
// The tests then check that (1) that implementation still yields the committed file, (2) the noble-based
// functions of src/core yield the same values, and (3) the state machine, fed the same keys and nonces as
// its "random" bytes, sends exactly these messages on the wire and shows exactly this code.
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAS_EMOJI } from '../../src/core/verify-emoji';
import {
  commitment,
  confirmMac,
  deriveKeys,
  doneMac,
  publicKeyOf,
  sharedSecret,
  transcriptHash,
} from '../../src/core/verify-crypto';
import { sasFromBytes } from '../../src/core/verify-sas';
import { createVerifier, encodeVerifyMessage, type VerifyMessage, type Verifier } from '../../src/core/verify';

const VECTORS_PATH = new URL('./vectors/verify-v1.json', import.meta.url);

// ---- independent implementation (node:crypto) ----

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex'); // RFC 8410 §7 private key prefix
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex'); // RFC 8410 §4 public key prefix
const privateKey = (sk: Buffer): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_X25519, sk]), format: 'der', type: 'pkcs8' });
const publicKey = (pk: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([SPKI_X25519, pk]), format: 'der', type: 'spki' });
const nodePublicKey = (sk: Buffer): Buffer =>
  createPublicKey(privateKey(sk)).export({ format: 'der', type: 'spki' }).subarray(-32);
const nodeShared = (sk: Buffer, pk: Buffer): Buffer =>
  diffieHellman({ privateKey: privateKey(sk), publicKey: publicKey(pk) });
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
const lp = (...parts: (Buffer | string)[]): Buffer =>
  Buffer.concat(
    parts.flatMap((p) => {
      const bytes = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return [length, bytes];
    }),
  );
const hkdf = (ikm: Buffer, salt: Buffer, info: string, length: number): Buffer =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
const hmac = (key: Buffer, prefix: string, th: Buffer): Buffer =>
  createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(prefix), th]))
    .digest();
const bits = (bytes: Buffer): string => [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');

interface VectorInputs {
  ctx: string;
  txid: string;
  skI: string;
  nI: string;
  skR: string;
  nR: string;
  fpI: string;
  fpR: string;
}
interface VectorOutputs {
  pkI: string;
  pkR: string;
  commitment: string;
  shared: string;
  transcriptHash: string;
  sas: string;
  emojiIndices: number[];
  emojiNames: string[];
  decimal: number[];
  kI: string;
  kR: string;
  confirmMacI: string;
  confirmMacR: string;
  doneMacI: string;
  doneMacR: string;
  wire: {
    commit: string;
    key: string;
    reveal: string;
    confirmI: string;
    confirmR: string;
    doneI: string;
    doneR: string;
  };
}
interface Vector {
  name: string;
  inputs: VectorInputs;
  outputs: VectorOutputs;
}
interface VectorFile {
  note: string;
  vectors: Vector[];
}

const independent = (inputs: VectorInputs): VectorOutputs => {
  const b = (h: string) => Buffer.from(h, 'hex');
  const [txid, skI, nI, skR, nR, fpI, fpR] = [
    inputs.txid,
    inputs.skI,
    inputs.nI,
    inputs.skR,
    inputs.nR,
    inputs.fpI,
    inputs.fpR,
  ].map(b) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  const pkI = nodePublicKey(skI);
  const pkR = nodePublicKey(skR);
  const c = sha256(lp('parley-verify-v1 commit', txid, pkI, nI, inputs.ctx));
  const shared = nodeShared(skI, pkR);
  expect(nodeShared(skR, pkI).equals(shared)).toBe(true);
  const th = sha256(lp('parley-verify-v1 transcript', inputs.ctx, txid, c, pkI, nI, pkR, nR, fpI, fpR));
  const sas = hkdf(shared, th, 'parley-verify-v1 sas', 6);
  const kI = hkdf(shared, th, 'parley-verify-v1 confirm initiator', 32);
  const kR = hkdf(shared, th, 'parley-verify-v1 confirm responder', 32);
  const s = bits(sas);
  const emojiIndices = Array.from({ length: 7 }, (_, i) => parseInt(s.slice(6 * i, 6 * i + 6), 2));
  const decimal = [0, 1, 2].map((i) => parseInt(s.slice(13 * i, 13 * i + 13), 2) + 1000);
  const hex = (x: Buffer) => x.toString('hex');
  const out = {
    confirmMacI: hex(hmac(kI, 'confirm', th)),
    confirmMacR: hex(hmac(kR, 'confirm', th)),
    doneMacI: hex(hmac(kI, 'done', th)),
    doneMacR: hex(hmac(kR, 'done', th)),
  };
  const t = inputs.txid;
  return {
    pkI: hex(pkI),
    pkR: hex(pkR),
    commitment: hex(c),
    shared: hex(shared),
    transcriptHash: hex(th),
    sas: hex(sas),
    emojiIndices,
    emojiNames: emojiIndices.map((i) => SAS_EMOJI[i]?.name ?? '?'),
    decimal,
    kI: hex(kI),
    kR: hex(kR),
    ...out,
    // The documented wire format (src/core/verify-message.ts), written out by hand.
    wire: {
      commit: `{"v":1,"type":"verify.commit","txid":"${t}","commitment":"${hex(c)}"}`,
      key: `{"v":1,"type":"verify.key","txid":"${t}","publicKey":"${hex(pkR)}","nonce":"${inputs.nR}"}`,
      reveal: `{"v":1,"type":"verify.reveal","txid":"${t}","publicKey":"${hex(pkI)}","nonce":"${inputs.nI}"}`,
      confirmI: `{"v":1,"type":"verify.confirm","txid":"${t}","mac":"${out.confirmMacI}"}`,
      confirmR: `{"v":1,"type":"verify.confirm","txid":"${t}","mac":"${out.confirmMacR}"}`,
      doneI: `{"v":1,"type":"verify.done","txid":"${t}","mac":"${out.doneMacI}"}`,
      doneR: `{"v":1,"type":"verify.done","txid":"${t}","mac":"${out.doneMacR}"}`,
    },
  };
};

/** Fixed inputs: each value is SHA-256 of a label, cut to size, so anyone can re-derive them. */
const makeInputs = (name: string, ctx: string): VectorInputs => {
  const v = (label: string, n: number) =>
    sha256(Buffer.from(`parley-verify-v1 vector ${name} ${label}`))
      .subarray(0, n)
      .toString('hex');
  return {
    ctx,
    txid: v('txid', 16),
    skI: v('skI', 32),
    nI: v('nI', 16),
    skR: v('skR', 32),
    nR: v('nR', 16),
    fpI: v('fpI', 32),
    fpR: v('fpR', 32),
  };
};

if (process.env['WRITE_VERIFY_VECTORS'] === '1') {
  const specs: [string, string][] = [
    ['basic', '3f1c9a6de0b2475a8c10f4e9d7b6a521'],
    ['utf8-ctx', 'réunion ☎ 会议'],
    ['third', 'parley-room-topic-example'],
  ];
  const file: VectorFile = {
    note:
      'parley-verify-v1 test vectors. Inputs are SHA-256("parley-verify-v1 vector <name> <field>") cut to size; ' +
      'outputs were computed with node:crypto (X25519 KeyObjects + diffieHellman, createHash sha256, hkdfSync, ' +
      'createHmac) by tests/unit/verify-vectors.test.ts, independently of src/core. lp = 4-byte big-endian ' +
      'length + bytes per part, strings UTF-8. Regenerate: WRITE_VERIFY_VECTORS=1 npx vitest run tests/unit/verify-vectors.test.ts',
    vectors: specs.map(([name, ctx]) => {
      const inputs = makeInputs(name, ctx);
      return { name, inputs, outputs: independent(inputs) };
    }),
  };
  writeFileSync(VECTORS_PATH, `${JSON.stringify(file, null, 2)}\n`);
}

const file = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as VectorFile;
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the independent implementation agrees with published X25519 vectors', () => {
  it('RFC 7748 §6.1 (node:crypto and noble)', () => {
    const a = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
    const b = Buffer.from('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb', 'hex');
    const k = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(nodePublicKey(a).toString('hex')).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(nodePublicKey(b).toString('hex')).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    expect(nodeShared(a, nodePublicKey(b)).toString('hex')).toBe(k);
    expect(hexOf(sharedSecret(Uint8Array.from(a), publicKeyOf(Uint8Array.from(b))) ?? new Uint8Array())).toBe(k);
  });
});

describe.each(file.vectors)('vector "$name"', ({ inputs, outputs }) => {
  it('is reproduced by the independent node:crypto implementation', () => {
    expect(independent(inputs)).toEqual(outputs);
  });

  it('is reproduced by the noble-based functions of src/core', () => {
    const pkI = publicKeyOf(bytes(inputs.skI));
    const pkR = publicKeyOf(bytes(inputs.skR));
    expect(hexOf(pkI)).toBe(outputs.pkI);
    expect(hexOf(pkR)).toBe(outputs.pkR);
    const c = commitment(bytes(inputs.txid), pkI, bytes(inputs.nI), inputs.ctx);
    expect(hexOf(c)).toBe(outputs.commitment);
    const shared = sharedSecret(bytes(inputs.skI), pkR);
    expect(hexOf(shared ?? new Uint8Array())).toBe(outputs.shared);
    const th = transcriptHash({
      ctx: inputs.ctx,
      txid: bytes(inputs.txid),
      commitment: c,
      pkI,
      nI: bytes(inputs.nI),
      pkR,
      nR: bytes(inputs.nR),
      fpI: bytes(inputs.fpI),
      fpR: bytes(inputs.fpR),
    });
    expect(hexOf(th)).toBe(outputs.transcriptHash);
    const keys = deriveKeys(bytes(outputs.shared), th);
    expect(hexOf(keys.sas)).toBe(outputs.sas);
    expect(hexOf(keys.kI)).toBe(outputs.kI);
    expect(hexOf(keys.kR)).toBe(outputs.kR);
    expect(hexOf(confirmMac(keys.kI, th))).toBe(outputs.confirmMacI);
    expect(hexOf(confirmMac(keys.kR, th))).toBe(outputs.confirmMacR);
    expect(hexOf(doneMac(keys.kI, th))).toBe(outputs.doneMacI);
    expect(hexOf(doneMac(keys.kR, th))).toBe(outputs.doneMacR);
    const sas = sasFromBytes(keys.sas);
    expect(sas.emoji.map((e) => e.index)).toEqual(outputs.emojiIndices);
    expect(sas.emoji.map((e) => e.name)).toEqual(outputs.emojiNames);
    expect([...sas.decimal]).toEqual(outputs.decimal);
  });

  it('is what the state machine sends and shows when fed these keys and nonces', () => {
    const scripted = (...values: string[]) => {
      const queue = values.map(bytes);
      return (n: number) => {
        const next = queue.shift();
        if (!next || next.length !== n) throw new Error(`unexpected randomBytes(${n})`);
        return next;
      };
    };
    const now = () => 0;
    // "a" < "b": A is the initiator. It draws txid, then its secret key, then its nonce; B its key, then nonce.
    const a = createVerifier({
      selfId: 'a',
      peerId: 'b',
      ctx: inputs.ctx,
      now,
      fingerprints: { local: bytes(inputs.fpI), remote: bytes(inputs.fpR) },
      randomBytes: scripted(inputs.txid, inputs.skI, inputs.nI),
    });
    const b = createVerifier({
      selfId: 'b',
      peerId: 'a',
      ctx: inputs.ctx,
      now,
      fingerprints: { local: bytes(inputs.fpR), remote: bytes(inputs.fpI) },
      randomBytes: scripted(inputs.skR, inputs.nR),
    });
    const wire: string[] = [];
    const send = (to: Verifier, messages: readonly VerifyMessage[]): void => {
      for (const m of messages) {
        wire.push(encodeVerifyMessage(m));
        send(to === a ? b : a, to.receive(m).send);
      }
    };
    send(b, a.start().send);
    send(b, a.confirm(true).send);
    send(a, b.confirm(true).send);
    const w = outputs.wire;
    expect(wire).toEqual([w.commit, w.key, w.reveal, w.confirmR, w.confirmI, w.doneI, w.doneR]);
    for (const v of [a, b]) {
      const s = v.state;
      if (s.phase !== 'verified') throw new Error(`expected verified, got ${s.phase}`);
      expect(s.sas.emoji.map((e) => e.index)).toEqual(outputs.emojiIndices);
      expect([...s.sas.decimal]).toEqual(outputs.decimal);
    }
  });
});
