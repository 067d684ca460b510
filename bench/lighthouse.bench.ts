import { test } from '@playwright/test';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromiumArgs, chromiumPath } from '../playwright.config';
import { appPort } from './playwright.config';

const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;

/** Lighthouse (driving Debian Chromium over CDP) on the pages people land on; goal 100 in each category. */
test('Lighthouse: performance, accessibility and best practices', async () => {
  const chrome = await launch({
    chromePath: chromiumPath,
    // Lighthouse needs the new headless mode; fake media so the link page can open a camera.
    chromeFlags: ['--headless=new', ...chromiumArgs],
  });
  try {
    const pages = [
      { name: 'Home', url: `http://127.0.0.1:${appPort}/` },
    ];
    const lines = ['Lighthouse 12 (mobile preset, simulated throttling), goal 100 each:'];
    for (const p of pages) {
      const result = await lighthouse(p.url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] });
      if (!result) throw new Error(`Lighthouse returned nothing for ${p.url}`);
      const { categories, audits } = result.lhr;
      const scores = CATEGORIES.map((c) => `${c} ${Math.round((categories[c]?.score ?? 0) * 100)}`);
      lines.push(`  ${p.name.padEnd(6)} ${scores.join('  ')}`);
      // Name whatever keeps a category below 100, so the figure says what to fix.
      for (const c of CATEGORIES) {
        for (const ref of categories[c]?.auditRefs ?? []) {
          const a = audits[ref.id];
          if (ref.weight > 0 && a && a.score !== null && a.score < 1) lines.push(`    ${c}: ${a.id} ${Math.round(a.score * 100)} — ${a.title}${a.displayValue ? ` (${a.displayValue})` : ''}`);
        }
      }
      const m = (id: string) => audits[id]?.displayValue ?? '?';
      lines.push(`    FCP ${m('first-contentful-paint')}, LCP ${m('largest-contentful-paint')}, TBT ${m('total-blocking-time')}, CLS ${m('cumulative-layout-shift')}`);
    }
    console.log(['', ...lines, ''].join('\n'));
  } finally {
    chrome.kill();
  }
});
