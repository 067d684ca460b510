import { ROOM_FULL_REASON } from '../src/core/relay-notice.js';
import type { ClientConnection, HubContext, ProtocolHub } from './connection.js';
import { parseTrackerMessage, type TrackerMessage } from './tracker-message.js';

interface SwarmPeer {
  conn: ClientConnection;
  lastAnnounceMs: number;
}

/**
 * The WebTorrent tracker protocol over WebSocket, as far as Trystero's torrent strategy uses it:
 * announces (with offers forwarded to the other peers of the info_hash), answers forwarded to the
 * offering peer, and a short announce interval. At most `maxPeersPerTopic` peer ids per info_hash.
 */
export const createTrackerHub = (ctx: HubContext): ProtocolHub => {
  const { limits, metrics, now } = ctx;
  const swarms = new Map<string, Map<string, SwarmPeer>>();
  /** Per connection: info_hash → peer id it announced there. */
  const joined = new Map<ClientConnection, Map<string, string>>();
  // Trystero keeps announcing every `interval` while it is in a room, so three silent intervals mean it left.
  const peerTtlMs = (): number => limits.trackerIntervalSeconds * 3000 + 5000;

  const failure = (conn: ClientConnection, reason: string, infoHash?: string): void => {
    ctx.send(conn, { action: 'announce', 'failure reason': reason, ...(infoHash === undefined ? {} : { info_hash: infoHash }) });
  };

  /** Live peers of a swarm; expired or closed ones are dropped as a side effect. */
  const livePeers = (infoHash: string, at: number): Map<string, SwarmPeer> => {
    const swarm = swarms.get(infoHash) ?? new Map<string, SwarmPeer>();
    for (const [peerId, peer] of swarm) {
      if (!peer.conn.open || at - peer.lastAnnounceMs > peerTtlMs()) {
        swarm.delete(peerId);
        joined.get(peer.conn)?.delete(infoHash);
      }
    }
    if (swarm.size === 0) swarms.delete(infoHash);
    return swarm;
  };

  const leave = (conn: ClientConnection, infoHash: string, peerId: string): void => {
    const swarm = swarms.get(infoHash);
    if (swarm?.get(peerId)?.conn === conn) swarm.delete(peerId);
    if (swarm?.size === 0) swarms.delete(infoHash);
    joined.get(conn)?.delete(infoHash);
  };

  const handleAnnounce = (conn: ClientConnection, message: Extract<TrackerMessage, { type: 'announce' }>): void => {
    const { infoHash, peerId } = message;
    if (message.stopped) {
      leave(conn, infoHash, peerId);
      return;
    }
    const at = now();
    const swarm = livePeers(infoHash, at);
    const mine = joined.get(conn) ?? new Map<string, string>();
    if (!swarm.has(peerId) && swarm.size >= limits.maxPeersPerTopic) {
      ctx.refuse(conn, 'room_full');
      failure(conn, ROOM_FULL_REASON, infoHash);
      return;
    }
    if (!mine.has(infoHash) && mine.size >= limits.maxTopicsPerConnection) {
      ctx.refuse(conn, 'subscriptions');
      failure(conn, `at most ${limits.maxTopicsPerConnection} info_hashes per connection`, infoHash);
      return;
    }
    // A page that reconnected announces its peer id from the new connection: that one now reaches it.
    const previous = swarm.get(peerId);
    if (previous !== undefined && previous.conn !== conn) joined.get(previous.conn)?.delete(infoHash);
    const oldPeerId = mine.get(infoHash);
    if (oldPeerId !== undefined && oldPeerId !== peerId) leave(conn, infoHash, oldPeerId);
    swarm.set(peerId, { conn, lastAnnounceMs: at });
    swarms.set(infoHash, swarm);
    mine.set(infoHash, peerId);
    joined.set(conn, mine);

    ctx.send(conn, { action: 'announce', interval: limits.trackerIntervalSeconds, info_hash: infoHash, complete: 0, incomplete: swarm.size });
    // As a WebTorrent tracker does: one offer to each other peer, never the same offer twice.
    let next = 0;
    let forwarded = 0;
    for (const [otherId, other] of swarm) {
      if (otherId === peerId) continue;
      const offer = message.offers[next];
      if (offer === undefined) break;
      next += 1;
      const sent = ctx.send(other.conn, { action: 'announce', offer: { type: 'offer', sdp: offer.sdp }, offer_id: offer.offerId, peer_id: peerId, info_hash: infoHash });
      if (sent) forwarded += 1;
    }
    metrics.forwarded(forwarded);
  };

  const handleAnswer = (conn: ClientConnection, message: Extract<TrackerMessage, { type: 'answer' }>): void => {
    const swarm = livePeers(message.infoHash, now());
    // Only a peer admitted to the swarm, on its own connection, may answer; only to a peer of the same swarm.
    if (swarm.get(message.peerId)?.conn !== conn) {
      ctx.refuse(conn, 'room_full');
      failure(conn, 'answer from a peer that is not in this swarm', message.infoHash);
      return;
    }
    const target = swarm.get(message.toPeerId);
    if (target === undefined) return; // it left; the answer has nobody to go to
    const sent = ctx.send(target.conn, {
      action: 'announce',
      answer: { type: 'answer', sdp: message.sdp },
      offer_id: message.offerId,
      peer_id: message.peerId,
      info_hash: message.infoHash,
    });
    if (sent) metrics.forwarded(1);
  };

  return {
    handleFrame(conn, frame) {
      const parsed = parseTrackerMessage(frame);
      if (!parsed.ok) {
        ctx.refuse(conn, 'invalid');
        failure(conn, parsed.error);
        return;
      }
      if (parsed.value.type === 'announce') handleAnnounce(conn, parsed.value);
      else handleAnswer(conn, parsed.value);
    },
    refuseForRate(conn) {
      failure(conn, 'rate-limited: slow down');
    },
    forget(conn) {
      const mine = joined.get(conn);
      joined.delete(conn);
      for (const [infoHash, peerId] of mine ?? []) leave(conn, infoHash, peerId);
    },
    sweep() {
      const at = now();
      for (const infoHash of [...swarms.keys()]) livePeers(infoHash, at);
    },
    get topicCount() {
      return swarms.size;
    },
  };
};
