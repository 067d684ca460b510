import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../src/core/app-config.js';
import { createRelay, type Relay } from '../../relay/server.js';
import { connect, createSigner, httpRequest, isOk } from './helpers.js';

// Layout: <tmp>/package.json is a secret outside the static root <tmp>/dist.
const root = mkdtempSync(join(tmpdir(), 'parley-relay-'));
const dist = join(root, 'dist');
mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(root, 'package.json'), '{"secret": true}');
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Parley</title>');
writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(dist, 'manifest.webmanifest'), '{}');
writeFileSync(join(dist, '.env'), 'SECRET=1');
// Big enough that gzip pays, as every real bundle chunk is.
const bundle = `export const rows = [${Array.from({ length: 400 }, (_, i) => `'row ${i}'`).join(', ')}];\n`;
writeFileSync(join(dist, 'assets', 'bundle.js'), bundle);
writeFileSync(join(dist, 'assets', 'icon.png'), Buffer.alloc(4096, 7));

let relay: Relay;
let bare: Relay;
let url: string;

beforeAll(async () => {
  relay = createRelay({ host: '127.0.0.1', port: 0, staticDir: dist, publicOrigins: ['http://parley.lan:9000'] });
  bare = createRelay({ host: '127.0.0.1', port: 0, staticDir: join(root, 'missing') });
  await Promise.all([relay.ready, bare.ready]);
  url = relay.address().url;
});

afterAll(async () => {
  await Promise.all([relay.close(), bare.close()]);
  rmSync(root, { recursive: true, force: true });
});

describe('relay HTTP', () => {
  it('serves index.html at / with security headers', async () => {
    const res = await httpRequest(url, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain('<title>Parley</title>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/connect-src 'self'/);
    expect(res.headers['permissions-policy']).toMatch(/camera=\(self\), microphone=\(self\)/);
    // HSTS only under TLS (see relay-cli.test.ts).
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('answers CORS only for allowed origins', async () => {
    const own = await httpRequest(url, '/config.json', { headers: { origin: url.replace(/\/$/, '') } });
    expect(own.headers['access-control-allow-origin']).toBe(url.replace(/\/$/, ''));
    const other = await httpRequest(url, '/config.json', { headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves Prometheus counters at /metrics', async () => {
    const res = await httpRequest(url, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toMatch(/^# TYPE parley_relay_connections_total counter$/m);
    for (const reason of ['origin', 'rate', 'size', 'room_full', 'token'])
      expect(res.body).toMatch(new RegExp(`^parley_relay_refusals_total\\{reason="${reason}"\\} \\d+$`, 'm'));
  });

  it('serves assets with their content type, and HEAD without a body', async () => {
    const js = await httpRequest(url, '/assets/app.js?v=1');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log(1)');
    const manifest = await httpRequest(url, '/manifest.webmanifest', { method: 'HEAD' });
    expect(manifest.status).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(manifest.headers['content-length']).toBe('2');
    expect(manifest.body).toBe('');
  });

  it('gzips text files for clients that accept gzip, and only for them', async () => {
    const packed = await httpRequest(url, '/assets/bundle.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(packed.status).toBe(200);
    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(packed.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(packed.headers['vary']).toMatch(/Accept-Encoding/);
    expect(Number(packed.headers['content-length'])).toBe(packed.raw.length);
    expect(packed.raw.length).toBeLessThan(bundle.length / 3);
    expect(gunzipSync(packed.raw).toString('utf8')).toBe(bundle);

    const head = await httpRequest(url, '/assets/bundle.js', {
      method: 'HEAD',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.headers['content-length']).toBe(String(packed.raw.length));
    expect(head.raw.length).toBe(0);

    // No header, gzip refused by weight, or a header too mangled to read: the bytes as they are.
    for (const headers of [{}, { 'accept-encoding': 'gzip;q=0, br' }, { 'accept-encoding': 'identity' }]) {
      const plain = await httpRequest(url, '/assets/bundle.js', { headers });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['vary']).toMatch(/Accept-Encoding/);
      expect(plain.body).toBe(bundle);
    }
    // Already-compressed types go out as they are.
    const png = await httpRequest(url, '/assets/icon.png', { headers: { 'accept-encoding': 'gzip' } });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.raw.length).toBe(4096);
    // CORS's Vary survives beside ours.
    const cors = await httpRequest(url, '/assets/bundle.js', {
      headers: { 'accept-encoding': 'gzip', origin: url.replace(/\/$/, '') },
    });
    expect(cors.headers['vary']).toBe('Origin, Accept-Encoding');
  });

  it('serves a rebuilt file freshly gzipped, never the previous build from its cache', async () => {
    const file = join(dist, 'assets', 'rebuilt.js');
    const first = `${bundle}// build 1\n`;
    writeFileSync(file, first);
    const before = await httpRequest(url, '/assets/rebuilt.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gunzipSync(before.raw).toString('utf8')).toBe(first);
    const second = `${bundle}// build 2 is longer\n`;
    writeFileSync(file, second);
    const after = await httpRequest(url, '/assets/rebuilt.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gunzipSync(after.raw).toString('utf8')).toBe(second);
  });

  it('answers 404 for missing files, directories and dotfiles', async () => {
    expect((await httpRequest(url, '/nope.js')).status).toBe(404);
    expect((await httpRequest(url, '/assets')).status).toBe(404);
    expect((await httpRequest(url, '/.env')).status).toBe(404);
  });

  it('never serves files outside the static directory', async () => {
    const attempts = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E%2Fpackage.json',
      '/assets/../../package.json',
      '/assets%2f..%2f..%2fpackage.json',
      '/..%5cpackage.json',
      '/%00index.html',
      '/%zz',
      '//package.json',
    ];
    for (const path of attempts) {
      const res = await httpRequest(url, path);
      expect([400, 404], path).toContain(res.status);
      expect(res.body, path).not.toContain('secret');
    }
  });

  it('answers 405 for methods other than GET and HEAD', async () => {
    const res = await httpRequest(url, '/', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
  });

  it('serves /healthz', async () => {
    const res = await httpRequest(url, '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toBe('ok');
  });

  it('serves a /config.json that parseAppConfig accepts and that points at this relay', async () => {
    const res = await httpRequest(url, '/config.json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const parsed = parseAppConfig(JSON.parse(res.body));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value).toEqual({ strategy: 'nostr', relays: [relay.address().wsUrl], iceServers: [] });

    // The advertised relay really is a working signaling endpoint.
    const relayUrl = parsed.value.relays[0] ?? '';
    const client = await connect(relayUrl);
    const event = createSigner().sign({ kind: 20001, tags: [['x', 'config-test']] });
    client.send(['EVENT', event]);
    expect((await client.next(isOk(event.id)))[2]).toBe(true);
    client.close();
  });

  it('builds /config.json from an allowed Host header, and never from an unknown or malformed one', async () => {
    const lan = JSON.parse((await httpRequest(url, '/config.json', { host: 'parley.lan:9000' })).body) as {
      relays: string[];
    };
    expect(lan.relays).toEqual(['ws://parley.lan:9000/']);
    const v6 = JSON.parse((await httpRequest(url, '/config.json', { host: '[::1]:9000' })).body) as {
      relays: string[];
    };
    expect(v6.relays).toEqual(['ws://[::1]:9000/']);
    const unknown = await httpRequest(url, '/config.json', { host: 'evil.example:9000' });
    expect(unknown.status).toBe(421);
    expect(unknown.body).not.toContain('evil');
    const malformed = await httpRequest(url, '/config.json', { host: 'evil.com/"><script>' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).not.toContain('script');
  });

  it('answers 503 with build instructions when the app is not built, and still signals', async () => {
    const res = await httpRequest(bare.address().url, '/');
    expect(res.status).toBe(503);
    expect(res.body).toContain('npm run build');
    expect((await httpRequest(bare.address().url, '/app.js')).status).toBe(404);
    expect((await httpRequest(bare.address().url, '/healthz')).status).toBe(200);
    const client = await connect(bare.address().wsUrl);
    const event = createSigner().sign({ kind: 20000, tags: [['x', 'bare-test']] });
    client.send(['EVENT', event]);
    expect((await client.next(isOk(event.id)))[2]).toBe(true);
    client.close();
  });
});

describe('relay lifecycle', () => {
  it('rejects ready on EADDRINUSE without crashing, and close() resolves with clients still connected', async () => {
    const first = createRelay({ host: '127.0.0.1', port: 0 });
    await first.ready;
    const clash = createRelay({ host: '127.0.0.1', port: first.address().port });
    await expect(clash.ready).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await clash.close();

    const client = await connect(first.address().wsUrl);
    await first.close();
    // Graceful: 1001 "going away", not a dropped TCP connection.
    expect(await client.closed).toBe(1001);
    await first.close(); // idempotent
  });
});
