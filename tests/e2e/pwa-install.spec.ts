import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { baseURL, chromiumArgs, chromiumPath } from '../../playwright.config';

declare global {
  interface Window {
    __offers: number;
    __prompts: number;
    __shifted: number;
  }
}

// Chromium offers installation (fires `beforeinstallprompt`) only in a real profile, never in
// Playwright's incognito contexts, and only after some engagement, which this flag waives. So
// this test runs its own browser with a persistent profile: the offer is the browser's own.
test('when Chromium offers installation, "Install Parley" appears and opens the browser\'s install prompt', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'parley-install-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: [...chromiumArgs, '--bypass-app-banner-engagement-checks'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // Counts the browser's offers and the prompts our page makes on them; the real prompt() still runs.
    await page.addInitScript(() => {
      window.__offers = 0;
      window.__prompts = 0;
      // Every layout shift of the page (its score), from the first paint on.
      window.__shifted = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__shifted += (e as PerformanceEntry & { value: number }).value;
      }).observe({ type: 'layout-shift', buffered: true });
      addEventListener('beforeinstallprompt', (e) => {
        window.__offers++;
        const offer = e as Event & { prompt(): Promise<void> };
        const prompt = offer.prompt.bind(offer);
        offer.prompt = () => (window.__prompts++, prompt());
      });
    });
    await page.goto(`${baseURL}/`);
    const install = page.getByRole('button', { name: 'Install Parley' });
    await expect(install).toBeVisible({ timeout: 30_000 });
    expect(await page.evaluate(() => [window.__offers, window.__prompts])).toEqual([1, 0]);
    // The button arrives after Home is drawn: it must not push Home down (a layout shift people see
    // and Lighthouse scores). Two frames later every shift its arrival caused has been reported.
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))),
    );
    expect(await page.evaluate(() => window.__shifted)).toBe(0);

    // A room's screens offer nothing (the lobby grows as the devices answer: a bar below would be
    // pushed about); back on Home the offer is there again.
    await page.getByRole('button', { name: 'Start a call' }).click();
    await page.locator('[data-testid="lobby"][data-ready="true"]').waitFor();
    await expect(install).toHaveCount(0);
    await page.getByRole('button', { name: 'Back to home' }).click();
    await expect(install).toBeVisible();

    await install.click();
    // The browser's install dialog opens (headless, it stays pending); an offer is good for one
    // prompt, so the button goes.
    await expect.poll(() => page.evaluate(() => window.__prompts)).toBe(1);
    await expect(install).toHaveCount(0);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
