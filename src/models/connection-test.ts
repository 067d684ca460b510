import { signal, type ReadonlySignal } from '@preact/signals';
import type { AppConfig, ConfigProblem, Strategy } from '../core/app-config';
import type { RelayVerdict } from '../core/relay-probe';
import type { Result } from '../core/result';
import type { ConnectionProbe } from '../adapters/probe/types';

/** How long each check may take before it counts as "no answer". */
export const PROBE_TIMEOUT_MS = 5000;

/** What one check found (the UI words it, in the person's language). */
export type CheckFinding =
  /** A signaling relay's verdict; `origin` is this page's (what the relay's --allow-origin needs). */
  | { kind: 'relay'; verdict: RelayVerdict; strategy: Strategy; origin: string }
  | { kind: 'stun' | 'turn'; answered: boolean }
  /** config.json names no STUN or TURN server. */
  | { kind: 'no-ice' };

/** One line of the report: what was checked (a URL or host, not words), whether it worked, and what was found. */
export interface CheckLine {
  what: string;
  ok: boolean;
  finding: CheckFinding;
}

/** Why the test could not run: config.json could not be used, or the probe's code did not load. */
export type ConnectionTestProblem = { kind: 'config'; problem: ConfigProblem } | { kind: 'not-started' };

export type ConnectionTestState =
  | { phase: 'idle' }
  | { phase: 'running' }
  | { phase: 'done'; lines: CheckLine[] }
  | { phase: 'error'; problem: ConnectionTestProblem };

const isTurn = (url: string) => /^turns?:/i.test(url);
const hostOf = (url: string) => url.replace(/^[a-z]+:(\/\/)?/i, '').replace(/[/?].*$/, '');

/**
 * Checks whether the configured signaling relays answer in the configured protocol (or why not) and
 * whether the STUN/TURN servers answer, and says so plainly.
 */
export const createConnectionTestModel = (deps: {
  probe: ConnectionProbe;
  config: () => Promise<Result<AppConfig, ConfigProblem>>;
}) => {
  const state = signal<ConnectionTestState>({ phase: 'idle' });

  const run = async () => {
    if (state.value.phase === 'running') return;
    state.value = { phase: 'running' };
    const config = await deps.config();
    if (!config.ok) {
      state.value = { phase: 'error', problem: { kind: 'config', problem: config.error } };
      return;
    }
    const { relays, iceServers, strategy } = config.value;
    const relayLines = relays.map(async (url): Promise<CheckLine> => {
      const verdict = await deps.probe.relay(url, strategy, PROBE_TIMEOUT_MS);
      const finding: CheckFinding = { kind: 'relay', verdict, strategy, origin: deps.probe.origin };
      return { what: url, ok: verdict.kind === 'good', finding };
    });
    const iceLines = iceServers.map(async (server): Promise<CheckLine> => {
      const found = await deps.probe.ice(server, PROBE_TIMEOUT_MS);
      const turn = server.urls.some(isTurn);
      const what = `${turn ? 'TURN' : 'STUN'} ${hostOf(server.urls[0] ?? '')}`;
      const answered = turn ? found.relay : found.srflx;
      return { what, ok: answered, finding: { kind: turn ? 'turn' : 'stun', answered } };
    });
    let lines: CheckLine[];
    try {
      lines = await Promise.all([...relayLines, ...iceLines]);
    } catch {
      // The probe's code did not load (the network went away meanwhile): say so instead of "Testing…" forever.
      state.value = { phase: 'error', problem: { kind: 'not-started' } };
      return;
    }
    if (iceServers.length === 0) {
      lines.push({ what: 'STUN/TURN', ok: false, finding: { kind: 'no-ice' } });
    }
    state.value = { phase: 'done', lines };
  };

  return { state: state as ReadonlySignal<ConnectionTestState>, run };
};

export type ConnectionTestModel = ReturnType<typeof createConnectionTestModel>;
