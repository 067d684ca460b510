// Renders the app icons (public/icon-*.png) from public/favicon.svg with Debian's Chromium, so the
// PNGs the manifest needs come from the one SVG source. Run after changing the SVG:
//   node scripts/make-icons.mjs
// The PNGs are committed: building the app never needs a browser.
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const svg = readFileSync(new URL('../public/favicon.svg', import.meta.url), 'utf8');
const background = '#14161a';

// Maskable icons are cropped to a circle or squircle by the launcher: the artwork must sit inside the
// central 80 % "safe zone" (https://w3c.github.io/manifest/#icon-masks), on a full-bleed background.
const icons = [
  { file: 'icon-192.png', size: 192, inset: 0 },
  { file: 'icon-512.png', size: 512, inset: 0 },
  { file: 'icon-maskable-512.png', size: 512, inset: 0.15 },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  for (const { file, size, inset } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const pad = Math.round(size * inset);
    await page.setContent(
      `<body style="margin:0;background:${inset ? background : 'transparent'}">` +
        `<div style="position:absolute;inset:${pad}px">${svg.replace('<svg ', '<svg width="100%" height="100%" ')}</div></body>`,
    );
    writeFileSync(new URL(`../public/${file}`, import.meta.url), await page.screenshot({ omitBackground: !inset }));
    await page.close();
  }
} finally {
  await browser.close();
}
