import { describe, expect, it } from 'vitest';
import { isFinal, nextStatus, type CallEvent, type CallStatus } from '../../src/core/call-status';

const S = {
  password: { kind: 'password', wrong: false },
  joining: { kind: 'joining' },
  waiting: { kind: 'waiting', previous: null },
  connected: { kind: 'connected' },
  reconnecting: { kind: 'reconnecting' },
  unrestored: { kind: 'unrestored' },
  ended: { kind: 'ended' },
  expired: { kind: 'expired', at: 5 },
  full: { kind: 'full' },
  intercepted: { kind: 'intercepted' },
  'codes-differ': { kind: 'codes-differ', by: 'peer' },
  failed: { kind: 'failed', detail: 'x' },
} satisfies Record<CallStatus['kind'], CallStatus>;
type K = keyof typeof S;

const E = {
  'ask-password': { type: 'ask-password', wrong: true },
  join: { type: 'join' },
  entered: { type: 'entered' },
  paired: { type: 'paired' },
  interrupted: { type: 'interrupted' },
  recovered: { type: 'recovered' },
  'partner-gone': { type: 'partner-gone', saidBye: false },
  'hung-up': { type: 'hung-up' },
  expired: { type: 'expired', at: 9 },
  full: { type: 'full' },
  intercepted: { type: 'intercepted' },
  'codes-differ': { type: 'codes-differ', by: 'self' },
  failed: { type: 'failed', detail: 'no relay' },
} satisfies Record<CallEvent['type'], CallEvent>;
type EK = keyof typeof E;

const live: K[] = ['password', 'joining', 'waiting', 'connected', 'reconnecting', 'unrestored', 'failed'];
const inRoom: K[] = ['waiting', 'connected', 'reconnecting', 'unrestored'];

/** Every legal move: event → (from → to). Everything not listed must leave the status untouched. */
const legal: Record<EK, Partial<Record<K, CallStatus>>> = {
  'ask-password': Object.fromEntries(
    ['joining', 'password', 'waiting', 'unrestored', 'failed'].map((k) => [k, { kind: 'password', wrong: true }]),
  ),
  join: { password: { kind: 'joining' }, unrestored: { kind: 'joining' } },
  entered: { joining: { kind: 'waiting', previous: null } },
  paired: Object.fromEntries(inRoom.map((k) => [k, { kind: 'connected' }])),
  interrupted: { connected: { kind: 'reconnecting' } },
  recovered: { reconnecting: { kind: 'connected' } },
  'partner-gone': { connected: { kind: 'waiting', previous: 'lost' }, reconnecting: { kind: 'unrestored' } },
  'hung-up': Object.fromEntries(live.map((k) => [k, { kind: 'ended' }])),
  expired: Object.fromEntries(live.filter((k) => k !== 'failed').map((k) => [k, { kind: 'expired', at: 9 }])),
  full: Object.fromEntries(live.filter((k) => k !== 'failed').map((k) => [k, { kind: 'full' }])),
  intercepted: Object.fromEntries(inRoom.map((k) => [k, { kind: 'intercepted' }])),
  'codes-differ': Object.fromEntries(inRoom.map((k) => [k, { kind: 'codes-differ', by: 'self' }])),
  failed: { joining: { kind: 'failed', detail: 'no relay' } },
};

describe('call status transitions', () => {
  for (const ek of Object.keys(E) as EK[]) {
    for (const k of Object.keys(S) as K[]) {
      const want = legal[ek][k];
      it(`${k} + ${ek} → ${want ? want.kind : 'unchanged'}`, () => {
        const from = S[k];
        const to = nextStatus(from, E[ek]);
        if (want) expect(to).toEqual(want);
        // Refused: the very same object, so the model can tell nothing changed (and no render happens).
        else expect(to).toBe(from);
      });
    }
  }

  it('a partner who said goodbye leaves "hung up", not "lost"', () => {
    expect(nextStatus(S.connected, { type: 'partner-gone', saidBye: true })).toEqual({
      kind: 'waiting',
      previous: 'hung-up',
    });
  });

  it('the endings are final and nothing else is', () => {
    expect((Object.keys(S) as K[]).filter((k) => isFinal(S[k]))).toEqual([
      'ended',
      'expired',
      'full',
      'intercepted',
      'codes-differ',
    ]);
  });
});
