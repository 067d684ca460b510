import { h, type FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A screen whose code loads on first use, so Home's first load carries none of it. `preload()`
 * starts the fetch early (on a sign of intent); until the code is there the screen renders
 * nothing, which from the service worker's precache is a frame or two.
 */
export const lazyScreen = <P extends object>(load: () => Promise<FunctionComponent<P>>) => {
  let loaded: FunctionComponent<P> | null = null;
  let loading: Promise<FunctionComponent<P>> | null = null;
  const preload = () => {
    loading ??= load().then(
      (c) => (loaded = c),
      (e: unknown) => {
        // A failed fetch (offline, a deploy replaced the chunk) may succeed on the next try.
        loading = null;
        throw e;
      },
    );
    return loading;
  };
  const Screen = (props: P) => {
    const [failed, setFailed] = useState(false);
    const [, setReady] = useState(0);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      preload().then(
        () => live && setReady((n) => n + 1),
        () => live && setFailed(true),
      );
      return () => void (live = false);
    }, []);
    if (loaded) return h(loaded, props);
    if (failed) return h('p', { class: 'banner error', role: 'alert' }, 'This part of Parley could not be loaded. Check your connection and reload the page.');
    return null;
  };
  return { Screen, preload };
};
