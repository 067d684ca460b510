import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { bundleBudget } from './scripts/bundle-budget.ts';
import { devRelay } from './scripts/dev-relay.ts';
import { localeManifests, type ManifestWords } from './scripts/locale-manifests.ts';
import en from './src/ui/i18n/en.ts';
import ar from './src/ui/i18n/locales/ar.ts';
import de from './src/ui/i18n/locales/de.ts';
import es from './src/ui/i18n/locales/es.ts';
import fr from './src/ui/i18n/locales/fr.ts';
import ptBR from './src/ui/i18n/locales/pt-BR.ts';

// The manifest's words come from the catalogs: English here, every other language in its own manifest.
const words = (
  lang: string,
  dir: 'ltr' | 'rtl',
  c: { 'app.name': unknown; 'app.description': unknown },
): ManifestWords => ({
  lang,
  dir,
  name: String(c['app.name']),
  description: String(c['app.description']),
});
const LANGUAGE_WORDS = [
  words('de', 'ltr', de),
  words('es', 'ltr', es),
  words('fr', 'ltr', fr),
  words('pt-BR', 'ltr', ptBR),
  words('ar', 'rtl', ar),
];

const manifest = {
  name: en['app.name'],
  short_name: en['app.name'],
  description: en['app.description'],
  lang: 'en',
  dir: 'ltr',
  id: './',
  start_url: './',
  scope: './',
  display: 'standalone',
  theme_color: '#14161a',
  background_color: '#14161a',
  icons: [
    { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
    { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
    { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
} as const;

// base './' makes every asset URL relative, so dist/ works from any static host and any sub-path.
export default defineConfig({
  base: './',
  plugins: [
    preact(),
    VitePWA({
      // We register the worker ourselves (src/adapters/pwa/service-worker-shell.ts): the plugin's inline
      // register script would break the CSP, and we must decide when a new version may take over.
      injectRegister: false,
      registerType: 'prompt',
      // Relative scope and start_url: the manifest and worker resolve against wherever dist/ is served.
      scope: './',
      // The glob below already precaches the icons and the manifest; listing them again only duplicates entries.
      includeManifestIcons: false,
      manifest: { ...manifest, icons: [...manifest.icons] },
      workbox: {
        // The app shell: every script, style and icon, so the app opens offline. Not config.json: see below.
        // The language catalogs are JS chunks (assets/de-*.js, …), so they are precached here too: a
        // language picked offline still loads.
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        // The 64 verification emoji load only when a code is shown (then cached below), not at install.
        globIgnores: ['emoji/**'],
        navigateFallback: 'index.html',
        // A waiting version takes over only when the person clicks "Reload to update" (never mid-call);
        // the first install claims the open page so its config.json is cached for the next offline start.
        clientsClaim: true,
        skipWaiting: false,
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            // Verification emoji never change under a name (a new picture is a new build): cache first.
            urlPattern: ({ url, sameOrigin }) => sameOrigin && /\/emoji\/[0-9a-f-]+\.svg$/.test(url.pathname),
            handler: 'CacheFirst',
            options: { cacheName: 'parley-emoji', cacheableResponse: { statuses: [200] } },
          },
          {
            // Operators change config.json without rebuilding: always ask the network first; the last
            // copy seen is only a fallback so the app still opens (and explains itself) offline.
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.endsWith('/config.json'),
            handler: 'NetworkFirst',
            options: { cacheName: 'parley-config', networkTimeoutSeconds: 5, cacheableResponse: { statuses: [200] } },
          },
        ],
      },
    }),
    // The manifest in each other language (scripts/locale-manifests.ts).
    localeManifests(manifest, LANGUAGE_WORDS),
    // Fails the build when the first load grows past its budget (scripts/bundle-budget.ts).
    bundleBudget(),
    // `npm run dev` only: a local relay beside the dev server (scripts/dev-relay.ts).
    devRelay(),
  ],
  build: {
    target: 'es2022',
    sourcemap: true,
    // Vite's polyfill is an inline <script>, which the page's CSP (script-src 'self') refuses; every
    // browser Parley supports (WebRTC + module workers) has native modulepreload.
    modulePreload: { polyfill: false },
  },
});
