import { render } from 'preact';
import { loadAppConfig } from './adapters/config';
import { createBrowserLocation } from './adapters/location';
import { createUserMedia } from './adapters/media/user-media';
import { createTrysteroSignaling } from './adapters/signaling/trystero';
import { createAppModel } from './models/app';
import { App } from './ui/App';

/** Composition root: real adapters → models → <App/>. */
export const mountApp = (root: HTMLElement) => {
  const app = createAppModel({
    loadConfig: () => loadAppConfig(),
    signaling: createTrysteroSignaling(),
    media: createUserMedia(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    location: createBrowserLocation(),
  });
  // Leave on pagehide (not only beforeunload): the other side then sees us go in milliseconds, not ~13 s.
  addEventListener('pagehide', () => void app.dispose());
  render(<App app={app} />, root);
  return app;
};
