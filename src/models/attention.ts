import { signal, type ReadonlySignal } from '@preact/signals';
import type { AttentionPort } from '../adapters/attention/types';

/** Why the opt-in did not take (the UI says it in words beside the toggle). */
export type AttentionProblem = 'unsupported' | 'blocked';

/**
 * "Tell me when they join": a notification and a chime when the partner arrives while the tab is hidden.
 * `notification` gives its words at the moment it is shown (in the language chosen then).
 */
export const createAttentionModel = (port: AttentionPort, notification: () => { title: string; body: string }) => {
  const optedIn = signal(port.loadOptIn() && port.permission() === 'granted');
  const problem = signal<AttentionProblem | null>(null);
  let lastPartner: string | null = null;

  return {
    optedIn: optedIn as ReadonlySignal<boolean>,
    problem: problem as ReadonlySignal<AttentionProblem | null>,
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
        problem.value = permission === 'unsupported' ? 'unsupported' : 'blocked';
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
      const { title, body } = notification();
      port.notify(title, body);
      port.chime();
    },
  };
};

export type AttentionModel = ReturnType<typeof createAttentionModel>;
