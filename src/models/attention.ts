import { signal, type ReadonlySignal } from '@preact/signals';
import type { AttentionPort } from '../adapters/attention/types';

/** "Tell me when they join": a notification and a chime when the partner arrives while the tab is hidden. */
export const createAttentionModel = (port: AttentionPort) => {
  const optedIn = signal(port.loadOptIn() && port.permission() === 'granted');
  /** Why the opt-in did not take, shown beside the toggle. */
  const problem = signal<string | null>(null);
  let lastPartner: string | null = null;

  return {
    optedIn: optedIn as ReadonlySignal<boolean>,
    problem: problem as ReadonlySignal<string | null>,
    /** Turns the opt-in on (asking permission now, from the click) or off; remembered. */
    async setOptIn(on: boolean) {
      problem.value = null;
      if (!on) {
        optedIn.value = false;
        port.saveOptIn(false);
        return;
      }
      const permission = port.permission() === 'granted' ? 'granted' : await port.requestPermission();
      if (permission !== 'granted') {
        problem.value =
          permission === 'unsupported'
            ? 'This browser cannot show notifications.'
            : 'Notifications are blocked for this site. Allow them in the browser settings to be told when someone joins.';
        return;
      }
      optedIn.value = true;
      port.saveOptIn(true);
    },
    /** Fed the call's current partner (or null); a new partner while hidden gets the person's attention. */
    partnerIs(id: string | null) {
      const joined = id !== null && id !== lastPartner;
      lastPartner = id;
      if (!joined || !optedIn.value || !port.isHidden()) return;
      port.notify('Parley', 'The other person joined your call.');
      port.chime();
    },
  };
};

export type AttentionModel = ReturnType<typeof createAttentionModel>;
