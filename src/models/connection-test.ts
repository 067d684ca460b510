import { signal, type ReadonlySignal } from '@preact/signals';
import type { AppConfig } from '../core/app-config';
import type { Result } from '../core/result';
import type { ConnectionProbe } from '../adapters/probe/types';

/** How long each check may take before it counts as "no answer". */
export const PROBE_TIMEOUT_MS = 5000;

/** One line of the report: what was checked, and whether it worked, in plain words. */
export interface CheckLine {
  what: string;
  ok: boolean;
  text: string;
}

export type ConnectionTestState =
  | { phase: 'idle' }
  | { phase: 'running' }
  | { phase: 'done'; lines: CheckLine[] }
  | { phase: 'error'; message: string };

const isTurn = (url: string) => /^turns?:/i.test(url);
const hostOf = (url: string) => url.replace(/^[a-z]+:(\/\/)?/i, '').replace(/[/?].*$/, '');

/**
 * Checks whether the configured signaling relays answer in the configured protocol (or why not) and
 * whether the STUN/TURN servers answer, and says so plainly.
 */
export const createConnectionTestModel = (deps: {
  probe: ConnectionProbe;
  config: () => Promise<Result<AppConfig>>;
}) => {
  const state = signal<ConnectionTestState>({ phase: 'idle' });

  const run = async () => {
    if (state.value.phase === 'running') return;
    state.value = { phase: 'running' };
    const config = await deps.config();
    if (!config.ok) {
      state.value = { phase: 'error', message: config.error };
      return;
    }
    const { relays, iceServers, strategy } = config.value;
    // The words load with the first test, not with Home.
    const words = import('../core/relay-verdict-text');
    const relayLines = relays.map(async (url): Promise<CheckLine> => {
      const verdict = await deps.probe.relay(url, strategy, PROBE_TIMEOUT_MS);
      return { what: url, ...(await words).verdictLine(verdict, strategy, deps.probe.origin) };
    });
    const iceLines = iceServers.map(async (server): Promise<CheckLine> => {
      const found = await deps.probe.ice(server, PROBE_TIMEOUT_MS);
      const turn = server.urls.some(isTurn);
      const what = `${turn ? 'TURN' : 'STUN'} ${hostOf(server.urls[0] ?? '')}`;
      if (turn) {
        return found.relay
          ? { what, ok: true, text: 'TURN server answered: calls can be relayed through it when a direct path fails.' }
          : { what, ok: false, text: 'TURN server did not answer (unreachable, or its credentials were refused).' };
      }
      return found.srflx
        ? { what, ok: true, text: 'STUN server answered: your public address can be found for direct connections.' }
        : { what, ok: false, text: 'STUN server did not answer.' };
    });
    let lines: CheckLine[];
    try {
      lines = await Promise.all([...relayLines, ...iceLines]);
    } catch {
      // The probe's code did not load (the network went away meanwhile): say so instead of "Testing…" forever.
      state.value = {
        phase: 'error',
        message: 'The test could not start: check your network connection and try again.',
      };
      return;
    }
    if (iceServers.length === 0) {
      lines.push({
        what: 'STUN/TURN',
        ok: false,
        text: 'No STUN or TURN server is configured: calls connect only when both devices can reach each other directly (for example on the same network).',
      });
    }
    state.value = { phase: 'done', lines };
  };

  return { state: state as ReadonlySignal<ConnectionTestState>, run };
};

export type ConnectionTestModel = ReturnType<typeof createConnectionTestModel>;
