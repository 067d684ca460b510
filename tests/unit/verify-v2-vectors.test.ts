// Vectors for parley-verify-v2 (tests/unit/vectors/verify-v2.json, quoted in docs/verification.md). They were
// written by an independent node:crypto implementation (tests/unit/vectors/make-verify-v2.mjs), never by
// src/core. The tests check (1) that script still yields the committed file, (2) the noble-based functions of
// src/core/verify-continuity yield the same values, and (3) the state machine, fed the same keys, nonces and
// salts as its "random" bytes, puts exactly these hints and MACs on the wire and continues the contact.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { callAgainCode } from '../../src/core/call-again';
import {
  callAgainRoom,
  callAgainSecret,
  continuityMac,
  deriveKeysV2,
  hintOf,
  hintsDigest,
  matchHints,
  mixedSecret,
  transcriptHashV2,
  type RetainedSecret,
} from '../../src/core/verify-continuity';
import { commitment, confirmMac, doneMac, publicKeyOf, sharedSecret } from '../../src/core/verify-crypto';
import { createVerifier, type VerifyMessage } from '../../src/core/verify';

const SCRIPT = fileURLToPath(new URL('./vectors/make-verify-v2.mjs', import.meta.url));
const FILE = new URL('./vectors/verify-v2.json', import.meta.url);
const v = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, string | string[]> & {
  callAgain: {
    now: number;
    window: number;
    secret: string;
    roomSecret: string;
    previousRoomSecret: string;
    expiresAt: number;
  };
};
const b = (key: string): Uint8Array => hexToBytes(v[key] as string);
const list = (key: string): Uint8Array[] => (v[key] as string[]).map(hexToBytes);

const secretsI: RetainedSecret[] = [
  { contactId: 'R', slot: 'current', secret: b('X1') },
  { contactId: 'R', slot: 'previous', secret: b('X0') },
  { contactId: 'someone else', slot: 'current', secret: b('Y') },
];
const secretsR: RetainedSecret[] = [
  { contactId: 'I', slot: 'current', secret: b('X1') },
  { contactId: 'I', slot: 'previous', secret: b('X0') },
];

describe('parley-verify-v2 vectors', () => {
  it('the independent script still writes the committed file', () => {
    const fresh = execFileSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect(JSON.parse(fresh)).toEqual(v);
  });

  it('hints, matching, mixing, transcript, keys and MACs agree with the vectors', () => {
    const txid = b('txid');
    expect(bytesToHex(hintOf(b('X1'), 'initiator', txid, b('saltI')))).toBe(v['hintsI']?.[0]);
    const hI = { salt: b('saltI'), hints: list('hintsI') };
    const hR = { salt: b('saltR'), hints: list('hintsR') };
    expect(bytesToHex(hintsDigest(hI))).toBe(v['hintsDigestI']);
    expect(bytesToHex(hintsDigest(hR))).toBe(v['hintsDigestR']);
    const matched = matchHints(secretsI, 'responder', txid, hR);
    expect(matched.map((m) => bytesToHex(m.secret))).toEqual(v['matched']);
    expect(matchHints(secretsR, 'initiator', txid, hI).map((m) => m.slot)).toEqual(['current', 'previous']);
    const s = mixedSecret(matched);
    expect(bytesToHex(s)).toBe(v['mixedSecret']);
    const pkI = publicKeyOf(b('skI'));
    const pkR = publicKeyOf(b('skR'));
    const c = commitment(txid, pkI, b('nI'), v['ctx'] as string);
    expect(bytesToHex(c)).toBe(v['commitment']);
    const th = transcriptHashV2({
      ctx: v['ctx'] as string,
      txid,
      commitment: c,
      pkI,
      nI: b('nI'),
      pkR,
      nR: b('nR'),
      fpI: b('fpI'),
      fpR: b('fpR'),
      hI: hintsDigest(hI),
      hR: hintsDigest(hR),
    });
    expect(bytesToHex(th)).toBe(v['transcriptHash']);
    const z = sharedSecret(b('skI'), pkR);
    if (!z) throw new Error('no shared secret');
    const keys = deriveKeysV2(z, th, s);
    expect(bytesToHex(keys.sas)).toBe(v['sas']);
    expect(bytesToHex(confirmMac(keys.kI, th))).toBe(v['confirmMacI']);
    expect(bytesToHex(confirmMac(keys.kR, th))).toBe(v['confirmMacR']);
    expect(bytesToHex(doneMac(keys.kI, th))).toBe(v['doneMacI']);
    expect(bytesToHex(continuityMac(keys.cI, th))).toBe(v['continuityMacI']);
    expect(bytesToHex(continuityMac(keys.cR, th))).toBe(v['continuityMacR']);
    expect(bytesToHex(keys.next)).toBe(v['nextSecret']);
    const none = deriveKeysV2(z, th, mixedSecret([]));
    expect(bytesToHex(none.next)).toBe(v['nextSecretUnmatched']);
    expect(bytesToHex(continuityMac(none.cI, th))).toBe(v['continuityMacIUnmatched']);
  });

  it('call again: the room secret of this window and the previous one, and the room code', () => {
    const ca = v.callAgain;
    const X1 = hexToBytes(ca.secret);
    const room = callAgainRoom(X1, ca.now);
    expect(room.window).toBe(ca.window);
    expect(bytesToHex(room.secret)).toBe(ca.roomSecret);
    expect(bytesToHex(callAgainSecret(X1, ca.window - 1))).toBe(ca.previousRoomSecret);
    expect(room.expiresAt).toBe(ca.expiresAt);
    const code = callAgainCode(X1, ca.now);
    expect(bytesToHex(code.secret)).toBe(ca.roomSecret);
    expect(code.expiresAt).toBe(ca.expiresAt);
    expect(code.hasPassword).toBe(false);
    // Any moment of the same window gives the same room; the next window another one.
    expect(callAgainCode(X1, ca.window * 600_000).text).toBe(code.text);
    expect(callAgainCode(X1, (ca.window + 1) * 600_000).text).not.toBe(code.text);
  });

  it('the state machine sends exactly these hints and MACs and continues the contact', () => {
    // "Random" bytes in the order the verifier asks for them: txid, key, nonce, salt, then padding hints.
    const feed = (values: Uint8Array[]) => (n: number) => {
      const next = values.shift();
      if (!next || next.length !== n) throw new Error(`unexpected randomBytes(${n})`);
      return Uint8Array.from(next);
    };
    const padI = list('hintsI').slice(3);
    const padR = list('hintsR').slice(2);
    const common = { ctx: v['ctx'] as string, now: () => 0 };
    const I = createVerifier({
      ...common,
      selfId: 'a',
      peerId: 'b',
      fingerprints: { local: b('fpI'), remote: b('fpR') },
      randomBytes: feed([b('txid'), b('skI'), b('nI'), b('saltI'), ...padI]),
      continuity: { secrets: secretsI },
    });
    const R = createVerifier({
      ...common,
      selfId: 'b',
      peerId: 'a',
      fingerprints: { local: b('fpR'), remote: b('fpI') },
      randomBytes: feed([b('skR'), b('nR'), b('saltR'), ...padR]),
      continuity: { secrets: secretsR },
    });
    const sentByI: VerifyMessage[] = [...I.start().send];
    const sentByR: VerifyMessage[] = [];
    for (const m of sentByI.slice()) sentByR.push(...R.receive(m).send);
    for (const m of sentByR.slice()) sentByI.push(...I.receive(m).send);
    for (const m of sentByI.slice(2)) for (const answer of R.receive(m).send) I.receive(answer);
    const hintsI = sentByI[0];
    expect(hintsI?.type === 'hints' && hintsI.hints.map(bytesToHex)).toEqual(v['hintsI']);
    const hintsR = sentByR[0];
    expect(hintsR?.type === 'hints' && hintsR.hints.map(bytesToHex)).toEqual(v['hintsR']);
    const confirmI = sentByI.find((m) => m.type === 'confirm');
    expect(confirmI?.type === 'confirm' && bytesToHex(confirmI.mac)).toBe(v['confirmMacI']);
    expect(confirmI?.type === 'confirm' && confirmI.continuity && bytesToHex(confirmI.continuity)).toBe(
      v['continuityMacI'],
    );
    expect(I.state).toMatchObject({ phase: 'verified', contactId: 'R' });
    expect(R.state).toMatchObject({ phase: 'verified', contactId: 'I' });
    expect(I.retained && bytesToHex(I.retained.next)).toBe(v['nextSecret']);
    expect(R.retained && bytesToHex(R.retained.next)).toBe(v['nextSecret']);
  });
});
