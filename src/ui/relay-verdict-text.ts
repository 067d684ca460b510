// A relay verdict in words: one line for the deployer's connection test (what is wrong and which setting
// fixes it), and one for the person waiting in a room (what it means for them). The relay's own words
// arrive sanitised and capped (core/relay-probe.ts relayText) and are quoted as its words, never as ours.
import type { Strategy } from '../core/app-config';
import { protocolOf, type RelayProblem, type RelayVerdict } from '../core/relay-probe';
import type { CheckFinding } from '../models/connection-test';
import enRelay from './i18n/en-relay';
import { addEnglish, t, type MessageKey } from './i18n/i18n';

// These words load with this module (the connection test's first run, or the call screen), not with Home.
addEnglish(enRelay);

const STRATEGY_FOR = { nostr: 'nostr', tracker: 'torrent' } as const satisfies Record<string, Strategy>;

/** Refused upgrades other than the ones with their own advice, by HTTP status. */
const refusedKey = (status: number): MessageKey => {
  if (status === 421) return 'relay.refused.hostName';
  if (status === 404) return 'relay.refused.notFound';
  if (status === 400) return 'relay.refused.badRequest';
  if (status === 405) return 'relay.refused.method';
  return 'relay.refused.other';
};

/** The connection test's line for a relay; `origin` is this page's origin (what --allow-origin needs). */
export const verdictText = (v: RelayVerdict, strategy: Strategy, origin: string): string => {
  const ours = protocolOf(strategy);
  switch (v.kind) {
    case 'good':
      return t(`relay.good.${ours}`);
    case 'other-protocol':
      return t(`relay.otherProtocol.${v.speaks}`, { strategy, fix: STRATEGY_FOR[v.speaks] });
    case 'complaint':
      return t(`relay.complaint.${ours}`, { text: v.text });
    case 'refused':
      if (v.cause === 'origin') return t('relay.refused.origin', { origin });
      if (v.cause === 'token') return t('relay.refused.token');
      if (v.cause === 'busy') return t('relay.refused.busy', { status: String(v.status) });
      return t(refusedKey(v.status), { status: String(v.status) });
    case 'no-websocket':
      return t('relay.noWebSocket');
    case 'silent':
      return t(`relay.silent.${ours}`);
    case 'hung-up':
      return t(`relay.hungUp.${ours}`);
  }
};

/** One finding of the connection test in words. */
export const findingText = (f: CheckFinding): string => {
  switch (f.kind) {
    case 'relay':
      return verdictText(f.verdict, f.strategy, f.origin);
    case 'turn':
      return t(f.answered ? 'relay.turn.ok' : 'relay.turn.no');
    case 'stun':
      return t(f.answered ? 'relay.stun.ok' : 'relay.stun.no');
    case 'no-ice':
      return t('relay.noIce');
  }
};

/** Why nobody can reach a person waiting in a room, in their terms. */
export const relayProblemText = ({ verdict: v, origin }: RelayProblem): string => {
  switch (v.kind) {
    case 'other-protocol':
      return t(`waiting.otherProtocol.${v.speaks}`);
    case 'refused':
      if (v.cause === 'origin') return t('waiting.origin', { origin });
      if (v.cause === 'token') return t('waiting.token');
      if (v.cause === 'busy') return t('waiting.busy');
      return t('waiting.refused', { status: String(v.status) });
    case 'complaint':
      return t('waiting.complaint', { text: v.text });
    case 'no-websocket':
    case 'silent':
    case 'hung-up':
      return t('waiting.unreachable');
  }
};
