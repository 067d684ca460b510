import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../src/core/app-config.js';
import { checkAccessToken, mintAccessToken } from '../../relay/access-token.js';
import { turnCredentials } from '../../relay/turn-credentials.js';
import { connect, httpRequest, refusedStatus, relayFixture } from './helpers.js';

const start = relayFixture();

const secret = Buffer.from('a test secret of enough length');
const nowUnix = (): number => Math.floor(Date.now() / 1000);

describe('access tokens (HMAC-SHA-256, expiring)', () => {
  it('checks signature and expiry', () => {
    const token = mintAccessToken(secret, 2000);
    expect(token).toMatch(/^v1\.2000\.[A-Za-z0-9_-]{43}$/);
    expect(checkAccessToken(secret, token, 1999)).toBe('valid');
    expect(checkAccessToken(secret, token, 2000)).toBe('expired');
    expect(checkAccessToken(Buffer.from('another secret of enough length'), token, 1000)).toBe('bad-signature');
    expect(checkAccessToken(secret, token.replace('v1.2000', 'v1.9000'), 1000)).toBe('bad-signature');
    expect(checkAccessToken(secret, 'v1.2000.short', 1000)).toBe('malformed');
    expect(checkAccessToken(secret, null, 1000)).toBe('missing');
  });

  it('is required to connect when a secret is configured: missing, bad and expired refused with 401, valid accepted', async () => {
    const relay = await start({ tokenSecret: secret });
    const base = relay.address().wsUrl;
    expect(await refusedStatus(base)).toBe(401);
    expect(
      await refusedStatus(
        `${base}?token=${mintAccessToken(Buffer.from('wrong secret of enough length'), nowUnix() + 60)}`,
      ),
    ).toBe(401);
    expect(await refusedStatus(`${base}?token=${mintAccessToken(secret, nowUnix() - 1)}`)).toBe(401);
    const client = await connect(`${base}?token=${mintAccessToken(secret, nowUnix() + 60)}`);
    client.close();
    expect(relay.metrics()).toMatch(/^parley_relay_refusals_total\{reason="token"\} 3$/m);
  });
});

describe('TURN REST credentials (coturn use-auth-secret)', () => {
  it('matches HMAC-SHA1 as computed by openssl', () => {
    const creds = turnCredentials(Buffer.from('north'), ['turn:turn.example:3478'], 1_700_000_000, 3600);
    expect(creds.username).toBe('1700003600:parley');
    const expected = execFileSync('/usr/bin/openssl', ['dgst', '-sha1', '-hmac', 'north', '-binary'], {
      input: '1700003600:parley',
    }).toString('base64');
    expect(creds.credential).toBe(expected);
  });

  it('puts fresh credentials in /config.json when configured, and the strategy and relays chosen', async () => {
    const relay = await start({
      config: {
        strategy: 'torrent',
        relays: ['wss://r1.example/', 'wss://r2.example/'],
        turn: { urls: ['turn:turn.example:3478?transport=udp'], secret: Buffer.from('north'), ttlSeconds: 600 },
      },
    });
    const body = JSON.parse((await httpRequest(relay.address().url, '/config.json')).body) as unknown;
    const parsed = parseAppConfig(body);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.strategy).toBe('torrent');
    expect(parsed.value.relays).toEqual(['wss://r1.example/', 'wss://r2.example/']);
    const [turn] = parsed.value.iceServers;
    expect(turn?.urls).toEqual(['turn:turn.example:3478?transport=udp']);
    const expiry = Number(turn?.username?.split(':')[0]);
    expect(expiry - nowUnix()).toBeGreaterThan(590);
    expect(expiry - nowUnix()).toBeLessThanOrEqual(600);
    expect(turn?.credential).toBe(turnCredentials(Buffer.from('north'), [], expiry - 600, 600).credential);
  });
});
