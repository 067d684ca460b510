import { hkdfSync, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { scrypt } from '@noble/hashes/scrypt.js';
import { describe, expect, it } from 'vitest';
import { deriveRoomKeys, passwordBytes, passwordSalt, PASSWORD_KDF, roomMaterial } from '../../src/core/keys';
import { generateRoomCode, type RoomCode } from '../../src/core/room-code';

interface Vector {
  name: string;
  secretHex: string;
  expiresAt: number;
  hasPassword: boolean;
  password: string | null;
  passwordSaltHex: string;
  passwordKeyHex: string | null;
  topic: string;
  signalingPassword: string;
  verifyContextHex: string;
}
const vectors = (JSON.parse(readFileSync('tests/unit/vectors/room-keys.json', 'utf8')) as { cases: Vector[] }).cases;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const codeOf = (v: Vector): RoomCode => ({
  version: 1,
  secret: Uint8Array.from(Buffer.from(v.secretHex, 'hex')),
  expiresAt: v.expiresAt,
  hasPassword: v.hasPassword,
  text: '(test)',
});

describe('room keys', () => {
  it.each(vectors)('match the committed vector: $name', (v) => {
    const code = codeOf(v);
    expect(hex(passwordSalt(code))).toBe(v.passwordSaltHex);
    const key = v.passwordKeyHex ? Uint8Array.from(Buffer.from(v.passwordKeyHex, 'hex')) : null;
    const keys = deriveRoomKeys(code, key);
    expect(keys.topic).toBe(v.topic);
    expect(keys.signalingPassword).toBe(v.signalingPassword);
    expect(hex(keys.verifyContext)).toBe(v.verifyContextHex);
  });

  it('agree with node:crypto HKDF for a room without password', () => {
    const v = vectors.find((x) => !x.hasPassword)!;
    const ikm = roomMaterial(codeOf(v));
    const node = (info: string, len: number) =>
      Buffer.from(hkdfSync('sha256', ikm, 'parley-room-v1', info, len)).toString('hex');
    expect(node('parley-v1 rendezvous topic', 16)).toBe(v.topic);
    expect(node('parley-v1 signaling key', 32)).toBe(v.signalingPassword);
  });

  it('the password KDF (noble scrypt, as in the Worker) matches node:crypto scrypt at the production cost', () => {
    const v = vectors.find((x) => x.password !== null)!;
    const salt = passwordSalt(codeOf(v));
    const ours = scrypt(passwordBytes(v.password!), salt, PASSWORD_KDF);
    expect(hex(ours)).toBe(v.passwordKeyHex);
    const node = scryptSync(Buffer.from(v.password!), salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
    expect(hex(ours)).toBe(node.toString('hex'));
  }, 30_000);

  it('normalise passwords so the same characters typed differently match (NFKC)', () => {
    expect(hex(passwordBytes('caf\u00e9'))).toBe(hex(passwordBytes('cafe\u0301')));
  });

  it('give a different, unrelated room when the expiry, the flag, the password or one secret bit changes', () => {
    const base: RoomCode = codeOf(vectors[0]!);
    const topics = new Set([
      deriveRoomKeys(base, null).topic,
      deriveRoomKeys({ ...base, expiresAt: base.expiresAt + 60_000 }, null).topic,
      deriveRoomKeys({ ...base, hasPassword: true }, new Uint8Array(32)).topic,
      deriveRoomKeys({ ...base, hasPassword: true }, new Uint8Array(32).fill(1)).topic,
      deriveRoomKeys({ ...base, secret: Uint8Array.from(base.secret, (b, i) => (i === 15 ? b ^ 1 : b)) }, null).topic,
    ]);
    expect(topics.size).toBe(5);
  });

  it('never contain the secret, and keep topic and key independent', () => {
    const code = generateRoomCode({
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      now: Date.now(),
      lifetimeMinutes: 60,
      hasPassword: false,
    });
    const keys = deriveRoomKeys(code, null);
    const secret = hex(code.secret);
    for (const out of [keys.topic, keys.signalingPassword, hex(keys.verifyContext)]) expect(out).not.toContain(secret);
    expect(keys.signalingPassword.slice(0, 32)).not.toBe(keys.topic);
  });

  it('refuse a password for a room without one and the reverse', () => {
    const v = vectors[0]!;
    expect(() => deriveRoomKeys(codeOf(v), new Uint8Array(32))).toThrow('this room has no password');
    expect(() => deriveRoomKeys({ ...codeOf(v), hasPassword: true }, null)).toThrow('this room needs its password');
  });
});
