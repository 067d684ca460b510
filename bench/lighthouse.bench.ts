import { test } from '@playwright/test';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { generateRoomCode } from '../src/core/room-code';
import { chromiumArgs, chromiumPath } from '../playwright.config';
import { GOALS, reportGoal } from './goals';
import { CATEGORIES, readLighthouseResult, type LighthouseResultLike } from './lighthouse-result';
import { appPort } from './playwright.config';

/**
 * Lighthouse (driving Debian Chromium over CDP) on the pages people land on: Home, and the Lobby a
 * call link opens; goal 100 in each category. A page Lighthouse could not measure fails the bench
 * with Lighthouse's reason (lighthouse-result.ts): a score is printed only when it was measured.
 */
test('Lighthouse: performance, accessibility and best practices', async () => {
  test.setTimeout(300_000);
  const chrome = await launch({
    chromePath: chromiumPath,
    // Lighthouse needs the new headless mode; fake media so the lobby can open a camera.
    chromeFlags: ['--headless=new', ...chromiumArgs],
  });
  try {
    const code = generateRoomCode({
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      now: Date.now(),
      lifetimeMinutes: 15,
      hasPassword: false,
    });
    const pages = [
      { name: 'Home', url: `http://127.0.0.1:${appPort}/` },
      { name: 'Lobby', url: `http://127.0.0.1:${appPort}/#/${code.text}` },
    ];
    const lines = ['Lighthouse 12 (mobile preset, simulated throttling), goal 100 each:'];
    const audits: Array<{ name: string; scores: Record<string, number> }> = [];
    for (const p of pages) {
      const run = async () => {
        const result = await lighthouse(p.url, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: [...CATEGORIES],
        });
        if (!result) throw new Error(`Lighthouse returned nothing for ${p.name} (${p.url})`);
        return result.lhr as unknown as LighthouseResultLike;
      };
      let lhr = await run();
      // Lighthouse's trace of a page load sometimes misses its start ("NO_NAVSTART ... Please run
      // Lighthouse again", 1 Lobby audit in ~5 runs): measured again once, and said so; a second
      // failure fails the bench with the reason (readLighthouseResult).
      if (lhr.runtimeError) {
        lines.push(
          `  ${p.name}: measured again: Lighthouse could not measure it the first time (${lhr.runtimeError.code})`,
        );
        lhr = await run();
      }
      const audit = readLighthouseResult(p.name, lhr);
      audits.push({ name: p.name, scores: audit.scores });
      lines.push(`  ${p.name.padEnd(6)} ${CATEGORIES.map((c) => `${c} ${audit.scores[c]}`).join('  ')}`);
      for (const s of audit.shortfalls) lines.push(`    ${s}`);
      lines.push(
        `    FCP ${audit.metrics.FCP}, LCP ${audit.metrics.LCP}, TBT ${audit.metrics.TBT}, CLS ${audit.metrics.CLS}`,
      );
    }
    console.log(['', ...lines, ''].join('\n'));
    for (const a of audits) {
      const figure = CATEGORIES.map((c) => a.scores[c]).join(' / ');
      reportGoal({
        goal: a.name === 'Home' ? GOALS.lighthouseHome : GOALS.lighthouseLobby,
        figure,
        met: CATEGORIES.every((c) => a.scores[c] === 100),
      });
    }
  } finally {
    chrome.kill();
  }
});
