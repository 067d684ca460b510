import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { WebSocketServer } from 'ws';
import { openPeer, passLobby } from './helpers';
import { relayProcess, type RelayProcess } from './relay-process';
import { serveStatic, type StaticHost } from './static-host';

// Issue 20, as a deployer meets it: dist/ on a plain static host, config.json pointing at relays that
// cannot carry a call for four different reasons (and at ones that can). Each reason is named on Home's
// connection test and on the waiting screen of someone who started a call. Real relay processes.
const HOST_PORT = 19110;
const ORIGIN = `http://127.0.0.1:${HOST_PORT}`;
const GOOD = 19111;
const TRACKER_ONLY = 19112;
const NO_ORIGIN = 19113;
const TOKEN = 19114;
/** Nothing listens here. */
const DEAD = 19115;
/** A hostile Nostr relay of the test's own (a `ws` server), answering every frame with a crafted NOTICE. */
const HOSTILE = 19116;
const ws = (port: number) => `ws://127.0.0.1:${port}/`;

const config: { strategy: 'nostr' | 'torrent'; relays: string[]; iceServers: [] } = {
  strategy: 'nostr',
  relays: [],
  iceServers: [],
};
let host: StaticHost;
const relays: RelayProcess[] = [];
let token = '';

test.beforeAll(async () => {
  const secretFile = join(mkdtempSync(join(tmpdir(), 'parley-diagnosis-')), 'secret');
  writeFileSync(secretFile, 'a token secret of plenty of length for the test', { mode: 0o600 });
  token = execFileSync(process.execPath, [
    'build/relay/cli.js',
    '--token-secret-file',
    secretFile,
    '--print-token',
    '600',
  ])
    .toString()
    .trim();
  const allow = ['--allow-origin', ORIGIN];
  relays.push(
    relayProcess(GOOD, allow),
    // Parley's relay speaks both protocols on one socket: this one is a tracker only, as a WebTorrent tracker is.
    relayProcess(TRACKER_ONLY, [...allow, '--protocols', 'tracker']),
    // Started as `npm start` would be, for its own origin only: the static host's pages are refused (403).
    relayProcess(NO_ORIGIN),
    relayProcess(TOKEN, [...allow, '--token-secret-file', secretFile]),
  );
  await Promise.all(relays.map((r) => r.start()));
  host = await serveStatic({ root: 'dist', prefix: '/', port: HOST_PORT, config });
});

test.afterAll(async () => {
  await host?.close();
  await Promise.all(relays.map((r) => r.kill()));
});

/** Home's connection test with `relays` in config.json: its relay lines. */
const connectionTest = async (browser: Browser, strategy: 'nostr' | 'torrent', relayUrls: string[]) => {
  config.strategy = strategy;
  config.relays = relayUrls;
  const peer = await openPeer(browser, host.url);
  await peer.page.getByRole('button', { name: 'Test connection' }).click();
  const lines = peer.page.getByTestId('connection-test').getByRole('listitem');
  // One line per relay, then the STUN/TURN line.
  await expect(lines).toHaveCount(relayUrls.length + 1);
  return { peer, lines };
};

/** Starts a call from Home and returns the waiting screen's explanation, once shown. */
const waitingProblem = async (peer: Awaited<ReturnType<typeof openPeer>>) => {
  await peer.page.getByRole('button', { name: 'Start a call' }).click();
  await passLobby(peer.page);
  await expect(peer.page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
  return peer.page.getByTestId('relay-problem');
};

test('a correct config: every relay answers in the protocol config.json names', async ({ browser }) => {
  const good = [ws(GOOD), `${ws(TOKEN)}?token=${token}`];
  const nostr = await connectionTest(browser, 'nostr', good);
  await expect(nostr.lines).toHaveText([
    `✓ ${good[0]}: Reachable, and answers as a Nostr relay, as config.json says.`,
    `✓ ${good[1]}: Reachable, and answers as a Nostr relay, as config.json says.`,
    /^✗ STUN\/TURN: No STUN or TURN server/,
  ]);
  await nostr.peer.context.close();
  const torrent = await connectionTest(browser, 'torrent', [ws(GOOD), ws(TRACKER_ONLY)]);
  await expect(torrent.lines).toHaveText([
    `✓ ${ws(GOOD)}: Reachable, and answers as a WebTorrent tracker, as config.json says.`,
    `✓ ${ws(TRACKER_ONLY)}: Reachable, and answers as a WebTorrent tracker, as config.json says.`,
    /^✗ STUN\/TURN/,
  ]);
  expect([...nostr.peer.errors, ...torrent.peer.errors]).toEqual([]);
  await torrent.peer.context.close();
});

test('a correct config: the caller waits with nothing said to be wrong, and the call connects', async ({ browser }) => {
  // Two browsers with media on a shared 2-core machine: more than the default minute when it is busy.
  test.slow();
  config.strategy = 'nostr';
  config.relays = [ws(GOOD)];
  const alice = await openPeer(browser, host.url);
  await waitingProblem(alice);
  // Whether the explanation ever shows while she waits (it would go once Bob connects).
  await alice.page.evaluate(() => {
    const w = window as unknown as { sawProblem: boolean };
    const look = () => (w.sawProblem ||= document.querySelector('[data-testid="relay-problem"]') !== null);
    look();
    new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
  });
  const bob = await openPeer(browser, alice.page.url());
  await passLobby(bob.page);
  for (const p of [alice, bob]) await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected');
  expect(await alice.page.evaluate(() => (window as unknown as { sawProblem: boolean }).sawProblem)).toBe(false);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});

const cases: Array<{
  name: string;
  strategy: 'nostr' | 'torrent';
  relay: string;
  line: RegExp;
  waiting: RegExp;
}> = [
  {
    name: '(a) the wrong strategy for a relay of the other kind',
    strategy: 'nostr',
    relay: ws(TRACKER_ONLY),
    line: /^✗ .*: Reachable, but this looks like a WebTorrent tracker; config\.json says "strategy": "nostr"\. Set "strategy": "torrent"/,
    waiting: /speaks another protocol than the site expects \(a WebTorrent tracker\).*wrong "strategy"/,
  },
  {
    name: "(b) Parley's relay without --allow-origin for the static host",
    strategy: 'nostr',
    relay: ws(NO_ORIGIN),
    line: new RegExp(
      `^✗ .*: Refused: origin not allowed \\(HTTP 403\\)\\. .*add this site's origin with --allow-origin ${ORIGIN}$`,
    ),
    waiting: new RegExp(`the signaling relay refuses this site.*--allow-origin ${ORIGIN}$`),
  },
  {
    name: '(c) a relay that needs a token',
    strategy: 'torrent',
    relay: ws(TOKEN),
    line: /^✗ .*: Refused: the relay needs a token \(HTTP 401\)/,
    waiting: /the signaling relay needs a token this site does not have/,
  },
  {
    name: '(d) a dead port',
    strategy: 'nostr',
    relay: ws(DEAD),
    line: /^✗ .*: Unreachable: no WebSocket connection\. The relay is down or the address is wrong/,
    waiting: /the signaling relay cannot be reached/,
  },
];

for (const c of cases) {
  test(`${c.name}: the connection test and the waiting screen name the cause`, async ({ browser }) => {
    const { peer, lines } = await connectionTest(browser, c.strategy, [c.relay]);
    await expect(lines.first()).toHaveText(c.line);
    const problem = await waitingProblem(peer);
    await expect(problem).toHaveText(c.waiting);
    await peer.context.close();
  });
}

test('attack: a relay NOTICE with markup, bidi overrides and 4 KB of text is shown as plain text, capped', async ({
  browser,
}) => {
  const notice = `<img src=x data-owned=1>\u202egnp.exe\u202c\n${'flood '.repeat(700)}`;
  const server = new WebSocketServer({ host: '127.0.0.1', port: HOSTILE });
  server.on('connection', (socket) => socket.on('message', () => socket.send(JSON.stringify(['NOTICE', notice]))));
  try {
    const { peer, lines } = await connectionTest(browser, 'nostr', [ws(HOSTILE)]);
    const line = lines.first();
    await expect(line).toContainText('The relay says: "<img src=x data-owned=1> gnp.exe flood flood');
    const text = (await line.textContent()) ?? '';
    const quoted = text.slice(text.indexOf('The relay says: "') + 17, -1);
    // Its words are at most 140 characters, with no control or bidi characters left.
    expect(quoted.length).toBeLessThanOrEqual(140);
    expect(quoted.endsWith('…')).toBe(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none survive.
    expect(text).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
    // Text, never markup: no element came from it.
    await expect(peer.page.locator('[data-owned]')).toHaveCount(0);
    await peer.context.close();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
