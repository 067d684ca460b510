import { rmSync } from 'node:fs';
import { chromium, expect, test, type Browser } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { startCli, type CliProcess } from '../relay/cli-process';
import { makeSelfSignedCert, type TestCertificate } from '../relay/tls-cert';
import { expectRemoteVideoPlaying, passLobby, startCall, type Peer } from './helpers';

// The app served over HTTPS by the relay itself (self-signed certificate made here), signaling
// over WSS on the same origin, once per strategy the relay can advertise in config.json.

let cert: TestCertificate;
let browser: Browser;

test.beforeAll(async () => {
  cert = makeSelfSignedCert();
  // The page's WSS connection does not go through Playwright's ignoreHTTPSErrors: Chromium itself must accept the certificate.
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, '--ignore-certificate-errors'],
  });
});

test.afterAll(async () => {
  await browser.close();
  rmSync(cert.dir, { recursive: true, force: true });
});

/** Like helpers' openPeer, with a context that accepts the self-signed certificate. */
const openTlsPeer = async (url: string): Promise<Peer> => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // The relay's Content-Security-Policy must not block anything the app does.
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(url);
  return { context, page, errors };
};

const strategies = [
  { strategy: 'nostr', port: 18850 },
  { strategy: 'torrent', port: 18851 },
] as const;

for (const { strategy, port } of strategies) {
  test(`the app over HTTPS connects a call with the ${strategy} strategy`, async () => {
    let relay: CliProcess | undefined;
    try {
      relay = await startCli([
        '--port',
        String(port),
        '--static',
        'dist',
        '--tls-cert',
        cert.certFile,
        '--tls-key',
        cert.keyFile,
        '--strategy',
        strategy,
      ]);
      expect(relay.url).toBe(`https://127.0.0.1:${port}/`);
      const alice = await openTlsPeer(relay.url);
      const config = await alice.page.evaluate(
        async () => (await fetch('config.json')).json() as Promise<{ strategy: string; relays: string[] }>,
      );
      expect(config).toMatchObject({ strategy, relays: [`wss://127.0.0.1:${port}/`] });

      const link = await startCall(alice);
      const bob = await openTlsPeer(link);
      await passLobby(bob.page);
      for (const p of [alice, bob]) {
        await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
        await expectRemoteVideoPlaying(p.page);
      }
      expect(alice.errors).toEqual([]);
      expect(bob.errors).toEqual([]);
      await Promise.all([alice.context.close(), bob.context.close()]);
    } finally {
      relay?.child.kill('SIGTERM');
      await relay?.exited;
    }
  });
}
