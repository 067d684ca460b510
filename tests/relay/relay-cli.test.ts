import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { get } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createSigner, isOk } from './helpers.js';
import { CLI, startCli, type CliProcess } from './cli-process.js';
import { makeSelfSignedCert, type TestCertificate } from './tls-cert.js';

// Each test starts node processes: slow on a busy machine (a timeout only fails the test).
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let cert: TestCertificate;
const running: CliProcess[] = [];

// Runs the built CLI (`npm test` builds first; alone: `npx tsc -p relay`).
beforeAll(() => {
  cert = makeSelfSignedCert();
});
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});
afterAll(() => rmSync(cert.dir, { recursive: true, force: true }));

const run = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliProcess> => {
  const p = await startCli(['--port', '0', '--static', 'dist', ...args], env);
  running.push(p);
  return p;
};

const httpsGet = (
  url: string,
  ca: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> =>
  new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });

const openWs = (url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

describe('relay CLI', () => {
  it('prints exactly one stdout line, logs JSON to stderr, and drains on SIGTERM: 1001 to clients, exit 0', async () => {
    const p = await run([]);
    expect(p.line).toMatch(/^Parley relay: open http:\/\/127\.0\.0\.1:\d+\/ \(signaling ws:\/\/127\.0\.0\.1:\d+\/\)$/);
    const ws = await openWs(p.url.replace('http', 'ws'));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5000);
    const lines = p
      .stderr()
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(JSON.parse(l)).toHaveProperty('event');
    expect(lines.some((l) => (JSON.parse(l) as { event: string }).event === 'shutdown')).toBe(true);
  });

  it('serves HTTPS and WSS with --tls-cert/--tls-key: HSTS, wss:// and the chosen strategy in config.json', async () => {
    const p = await run(['--tls-cert', cert.certFile, '--tls-key', cert.keyFile, '--strategy', 'torrent']);
    expect(p.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const health = await httpsGet(`${p.url}healthz`, cert.cert);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const config = JSON.parse((await httpsGet(`${p.url}config.json`, cert.cert)).body) as {
      strategy: string;
      relays: string[];
    };
    expect(config.strategy).toBe('torrent');
    expect(config.relays).toEqual([p.url.replace('https', 'wss')]);

    const ws = await openWs(config.relays[0] ?? '', { ca: cert.cert, origin: p.url.replace(/\/$/, '') });
    const event = createSigner().sign({ kind: 20000, tags: [['x', 'tls']] });
    const reply = new Promise<unknown[]>((r) =>
      ws.on('message', (d: Buffer) => r(JSON.parse(d.toString()) as unknown[])),
    );
    ws.send(JSON.stringify(['EVENT', event]));
    expect(isOk(event.id)(await reply)).toBe(true);
    ws.close();
  });

  it('refuses plain HTTP on a non-loopback interface unless --insecure-http, and prints tokens with --print-token', () => {
    const refuse = (): string => {
      try {
        execFileSync(process.execPath, [CLI, '--host', '0.0.0.0', '--port', '0'], { stdio: 'pipe' });
        return 'started';
      } catch (e) {
        return String((e as { stderr?: Buffer }).stderr);
      }
    };
    expect(refuse()).toMatch(/plain HTTP on 0\.0\.0\.0/);
    const token = execFileSync(process.execPath, [CLI, '--print-token', '60'], {
      env: { ...process.env, RELAY_TOKEN_SECRET: 'x'.repeat(32) },
    }).toString();
    expect(token).toMatch(/^v1\.\d+\.[A-Za-z0-9_-]{43}\n$/);
  });

  it('requires a token when --token-secret-file is given', async () => {
    const secretFile = `${cert.dir}/token-secret`;
    execFileSync('/bin/sh', ['-c', `printf '%s' '${'s'.repeat(40)}' > ${secretFile}`]);
    const p = await run(['--token-secret-file', secretFile]);
    const wsUrl = p.url.replace('http', 'ws');
    await expect(openWs(wsUrl)).rejects.toThrow(/401/);
    const token = execFileSync(process.execPath, [CLI, '--print-token', '60', '--token-secret-file', secretFile])
      .toString()
      .trim();
    const ws = await openWs(`${wsUrl}?token=${token}`);
    ws.close();
  });
});
