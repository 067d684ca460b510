import type { Strategy } from './app-config.js';
import { protocolOf, type RelayProtocol, type RelayVerdict } from './relay-probe.js';

// A relay verdict in words: one line for the deployer's connection test (what is wrong and which
// setting fixes it), and one for the person waiting in a room (what it means for them). The relay's
// own words arrive sanitised and capped (relayText) and are quoted as its words, never as ours.

const NAME: Record<RelayProtocol, string> = { nostr: 'a Nostr relay', tracker: 'a WebTorrent tracker' };
const STRATEGY_FOR: Record<RelayProtocol, Strategy> = { nostr: 'nostr', tracker: 'torrent' };
const QUESTION: Record<RelayProtocol, string> = { nostr: 'a Nostr subscription', tracker: 'a tracker announce' };

const BUSY = 'Refused: the relay is busy (too many connections); try again later.';

/** HTTP statuses of a refused upgrade other than the ones with their own advice, in words. */
const statusWords = (status: number): string => {
  if (status === 421) return 'it does not answer for this host name (add it with --public-origin)';
  if (status === 404) return 'no WebSocket endpoint at this path (use / or /announce)';
  if (status === 400) return 'bad request';
  if (status === 405) return 'method not allowed';
  return 'refused';
};

/** One line of the connection test for a relay; `origin` is this page's origin (what --allow-origin needs). */
export const verdictLine = (v: RelayVerdict, strategy: Strategy, origin: string): { ok: boolean; text: string } => {
  const ours = protocolOf(strategy);
  switch (v.kind) {
    case 'good':
      return { ok: true, text: `Reachable, and answers as ${NAME[ours]}, as config.json says.` };
    case 'other-protocol':
      return {
        ok: false,
        text: `Reachable, but this looks like ${NAME[v.speaks]}; config.json says "strategy": "${strategy}". Set "strategy": "${STRATEGY_FOR[v.speaks]}", or list ${NAME[ours]} here.`,
      };
    case 'complaint':
      return { ok: false, text: `Reachable, but it refused ${QUESTION[ours]}. The relay says: "${v.text}"` };
    case 'refused':
      if (v.cause === 'origin')
        return {
          ok: false,
          text: `Refused: origin not allowed (HTTP 403). The relay's operator must add this site's origin with --allow-origin ${origin}`,
        };
      if (v.cause === 'token')
        return {
          ok: false,
          text: 'Refused: the relay needs a token (HTTP 401). Give its URL in config.json a valid ?token=.',
        };
      if (v.cause === 'busy') return { ok: false, text: `${BUSY} (HTTP ${v.status})` };
      return { ok: false, text: `Refused with HTTP ${v.status}: ${statusWords(v.status)}.` };
    case 'no-websocket':
      return {
        ok: false,
        text: 'Unreachable: no WebSocket connection. The relay is down or the address is wrong, or it refused this site (a browser is not told why).',
      };
    case 'silent':
      return { ok: false, text: `Reachable, but it did not answer ${QUESTION[ours]} in time.` };
    case 'hung-up':
      return { ok: false, text: `Reachable, but it closed the connection without answering ${QUESTION[ours]}.` };
  }
};

/** Why nobody can reach a person waiting in a room, in their terms; null when a relay works. */
export const waitingText = (verdicts: readonly RelayVerdict[], origin: string): string | null => {
  if (verdicts.length === 0 || verdicts.some((v) => v.kind === 'good')) return null;
  // The most telling verdict speaks for all: a stated cause beats "no connection".
  const rank = (v: RelayVerdict) =>
    v.kind === 'refused' || v.kind === 'other-protocol' ? 0 : v.kind === 'complaint' ? 1 : 2;
  const v = [...verdicts].sort((a, b) => rank(a) - rank(b))[0] as RelayVerdict;
  const cannot = 'The other person cannot reach you:';
  const tell = 'Tell whoever runs this site';
  switch (v.kind) {
    case 'other-protocol':
      return `${cannot} this site's signaling server speaks another protocol than the site expects (${NAME[v.speaks]}). ${tell}: config.json has the wrong "strategy".`;
    case 'refused':
      if (v.cause === 'origin')
        return `${cannot} the signaling relay refuses this site. ${tell}: start the relay with --allow-origin ${origin}`;
      if (v.cause === 'token') return `${cannot} the signaling relay needs a token this site does not have. ${tell}.`;
      if (v.cause === 'busy') return `${cannot} the signaling relay is busy. Try again in a few minutes.`;
      return `${cannot} the signaling relay refused the connection (HTTP ${v.status}). ${tell}.`;
    case 'complaint':
      return `${cannot} the signaling relay refuses to carry the call. It says: "${v.text}"`;
    default:
      return `${cannot} the signaling relay cannot be reached (it may be down). Check your connection, or try again later.`;
  }
};
