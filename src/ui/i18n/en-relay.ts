// The English catalog, third part: the connection test's findings and why a waiting person cannot be
// reached (src/ui/relay-verdict-text.ts, which adds them when it loads: with the connection test's first
// run on Home, or with the call screen). A relay's own words fill {text}; config.json's values fill
// {strategy} and {fix}; neither is translated.
const enRelay = {
  'relay.good.nostr': 'Reachable, and answers as a Nostr relay, as config.json says.',
  'relay.good.tracker': 'Reachable, and answers as a WebTorrent tracker, as config.json says.',
  'relay.otherProtocol.nostr':
    'Reachable, but this looks like a Nostr relay; config.json says "strategy": "{strategy}". Set "strategy": "{fix}", or list a WebTorrent tracker here.',
  'relay.otherProtocol.tracker':
    'Reachable, but this looks like a WebTorrent tracker; config.json says "strategy": "{strategy}". Set "strategy": "{fix}", or list a Nostr relay here.',
  'relay.complaint.nostr': 'Reachable, but it refused a Nostr subscription. The relay says: "{text}"',
  'relay.complaint.tracker': 'Reachable, but it refused a tracker announce. The relay says: "{text}"',
  'relay.refused.origin':
    "Refused: origin not allowed (HTTP 403). The relay's operator must add this site's origin with --allow-origin {origin}",
  'relay.refused.token': 'Refused: the relay needs a token (HTTP 401). Give its URL in config.json a valid ?token=.',
  'relay.refused.busy': 'Refused: the relay is busy (too many connections); try again later. (HTTP {status})',
  'relay.refused.hostName':
    'Refused with HTTP {status}: it does not answer for this host name (add it with --public-origin).',
  'relay.refused.notFound': 'Refused with HTTP {status}: no WebSocket endpoint at this path (use / or /announce).',
  'relay.refused.badRequest': 'Refused with HTTP {status}: bad request.',
  'relay.refused.method': 'Refused with HTTP {status}: method not allowed.',
  'relay.refused.other': 'Refused with HTTP {status}: refused.',
  'relay.noWebSocket':
    'Unreachable: no WebSocket connection. The relay is down or the address is wrong, or it refused this site (a browser is not told why).',
  'relay.silent.nostr': 'Reachable, but it did not answer a Nostr subscription in time.',
  'relay.silent.tracker': 'Reachable, but it did not answer a tracker announce in time.',
  'relay.hungUp.nostr': 'Reachable, but it closed the connection without answering a Nostr subscription.',
  'relay.hungUp.tracker': 'Reachable, but it closed the connection without answering a tracker announce.',
  'relay.turn.ok': 'TURN server answered: calls can be relayed through it when a direct path fails.',
  'relay.turn.no': 'TURN server did not answer (unreachable, or its credentials were refused).',
  'relay.stun.ok': 'STUN server answered: your public address can be found for direct connections.',
  'relay.stun.no': 'STUN server did not answer.',
  'relay.noIce':
    'No STUN or TURN server is configured: calls connect only when both devices can reach each other directly (for example on the same network).',
  'waiting.otherProtocol.nostr':
    'The other person cannot reach you: this site\'s signaling server speaks another protocol than the site expects (a Nostr relay). Tell whoever runs this site: config.json has the wrong "strategy".',
  'waiting.otherProtocol.tracker':
    'The other person cannot reach you: this site\'s signaling server speaks another protocol than the site expects (a WebTorrent tracker). Tell whoever runs this site: config.json has the wrong "strategy".',
  'waiting.origin':
    'The other person cannot reach you: the signaling relay refuses this site. Tell whoever runs this site: start the relay with --allow-origin {origin}',
  'waiting.token':
    'The other person cannot reach you: the signaling relay needs a token this site does not have. Tell whoever runs this site.',
  'waiting.busy': 'The other person cannot reach you: the signaling relay is busy. Try again in a few minutes.',
  'waiting.refused':
    'The other person cannot reach you: the signaling relay refused the connection (HTTP {status}). Tell whoever runs this site.',
  'waiting.complaint':
    'The other person cannot reach you: the signaling relay refuses to carry the call. It says: "{text}"',
  'waiting.unreachable':
    'The other person cannot reach you: the signaling relay cannot be reached (it may be down). Check your connection, or try again later.',
} as const;

export default enRelay;
