import { expect, type Browser, type Page } from '@playwright/test';
import type { Peer } from './helpers';

const BENIGN = [/setRemoteDescription.*wrong state: stable/i];

/** A peer whose page records CSP violations, every HTTP request (page and service worker) and every WebSocket URL. */
export interface WatchedPeer extends Peer {
  requests: string[];
  sockets: string[];
  /** "directive blocked-uri" for each `securitypolicyviolation` event the page saw. */
  violations(): Promise<string[]>;
}

/** Like openPeer, but watching from before the first byte: the init script runs ahead of any page script. */
export const openWatchedPeer = async (browser: Browser, url: string): Promise<WatchedPeer> => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const requests: string[] = [];
  const sockets: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !BENIGN.some((re) => re.test(m.text()))) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(url);
  return {
    context,
    page,
    errors,
    requests,
    sockets,
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
  };
};

/** Waits until a service worker controls the page (first install claims it), and returns its scope. */
export const waitForServiceWorkerControl = async (page: Page): Promise<string> => {
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  return scope;
};

/** Waits until the service worker's network-first cache holds config.json (the offline fallback). */
export const waitForCachedConfig = (page: Page) =>
  expect
    .poll(() =>
      page.evaluate(async () => {
        const cache = await caches.open('parley-config');
        return (await cache.match(new URL('config.json', document.baseURI).href)) !== undefined;
      }),
    )
    .toBe(true);
