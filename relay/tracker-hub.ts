import { ROOM_FULL_REASON } from '../src/core/relay-notice.js';
import type { ClientConnection, HubContext, ProtocolHub } from './connection.js';
import { COST } from './limits.js';
import { createSeatProbe } from './seat-probe.js';
import { createTopicRoster } from './topic-roster.js';
import { parseTrackerMessage, type TrackerMessage } from './tracker-message.js';

/**
 * The WebTorrent tracker protocol over WebSocket, as far as Trystero's torrent strategy uses it:
 * announces (with offers forwarded to the other peers of the info_hash), answers forwarded to the
 * offering peer, and a short announce interval. Seats (at most `maxPeersPerTopic` peer ids per
 * info_hash) are kept by the shared topic roster: a peer_id's seat stays with the socket that took it.
 */
export const createTrackerHub = (ctx: HubContext): ProtocolHub => {
  const { limits, metrics, now } = ctx;
  // Trystero keeps announcing every `interval` while it is in a room, so three silent intervals mean it left.
  const roster = createTopicRoster<ClientConnection>({
    maxPeers: () => limits.maxPeersPerTopic,
    idleMs: () => limits.trackerIntervalSeconds * 3000 + 5000,
  });
  const probe = createSeatProbe(ctx);

  const failure = (conn: ClientConnection, reason: string, infoHash?: string): void => {
    ctx.send(conn, {
      action: 'announce',
      'failure reason': reason,
      ...(infoHash === undefined ? {} : { info_hash: infoHash }),
    });
  };

  /** Sends to another peer, charging the sender for the bytes its message makes us send. */
  const forward = (
    from: ClientConnection,
    to: ClientConnection,
    message: Record<string, unknown>,
    sdp: string,
  ): boolean => {
    if (!ctx.charge(from, ((sdp.length + 200) / 1024) * COST.perKiBOut)) {
      ctx.refuse(from, 'budget');
      return false;
    }
    return ctx.send(to, message);
  };

  const handleAnnounce = (conn: ClientConnection, message: Extract<TrackerMessage, { type: 'announce' }>): void => {
    const { infoHash, peerId } = message;
    if (message.stopped) {
      roster.release(infoHash, peerId, conn);
      return;
    }
    const at = now();
    const seats = roster.seats(infoHash, at);
    const holder = seats.get(peerId)?.conn;
    if (holder !== undefined && holder !== conn) {
      // Naming a seated peer_id does not make a socket that peer. A half-open leftover of the same
      // page's reconnect fails the ping and is cut off; the page's next announce then gets in.
      probe(holder);
      ctx.refuse(conn, 'seat_held');
      failure(conn, 'peer_id is in use on another connection; retry shortly', infoHash);
      return;
    }
    const mine = roster.topicsOf(conn);
    if (!mine.has(infoHash) && mine.size >= limits.maxTopicsPerConnection) {
      ctx.refuse(conn, 'subscriptions');
      failure(conn, `at most ${limits.maxTopicsPerConnection} info_hashes per connection`, infoHash);
      return;
    }
    // One peer id per connection and info_hash: a page that announces a new one gives up the old.
    if (holder === undefined && mine.has(infoHash)) roster.leave(infoHash, conn);
    const claim = roster.claim(infoHash, peerId, conn, at);
    if (!claim.ok) {
      ctx.refuse(conn, 'room_full');
      failure(conn, ROOM_FULL_REASON, infoHash);
      return;
    }
    const swarm = roster.seats(infoHash, at);
    ctx.send(conn, {
      action: 'announce',
      interval: limits.trackerIntervalSeconds,
      info_hash: infoHash,
      complete: 0,
      incomplete: swarm.size,
    });
    // As a WebTorrent tracker does: one offer to each other peer, never the same offer twice.
    let next = 0;
    let forwarded = 0;
    for (const [otherId, other] of swarm) {
      if (otherId === peerId) continue;
      const offer = message.offers[next];
      if (offer === undefined) break;
      next += 1;
      const sent = forward(
        conn,
        other.conn,
        {
          action: 'announce',
          offer: { type: 'offer', sdp: offer.sdp },
          offer_id: offer.offerId,
          peer_id: peerId,
          info_hash: infoHash,
        },
        offer.sdp,
      );
      if (sent) forwarded += 1;
    }
    metrics.forwarded(forwarded);
  };

  const handleAnswer = (conn: ClientConnection, message: Extract<TrackerMessage, { type: 'answer' }>): void => {
    const swarm = roster.seats(message.infoHash, now());
    // Only a peer admitted to the swarm, on its own connection, may answer; only to a peer of the same swarm.
    if (swarm.get(message.peerId)?.conn !== conn) {
      ctx.refuse(conn, 'room_full');
      failure(conn, 'answer from a peer that is not in this swarm', message.infoHash);
      return;
    }
    const target = swarm.get(message.toPeerId);
    if (target === undefined) return; // it left; the answer has nobody to go to
    const sent = forward(
      conn,
      target.conn,
      {
        action: 'announce',
        answer: { type: 'answer', sdp: message.sdp },
        offer_id: message.offerId,
        peer_id: message.peerId,
        info_hash: message.infoHash,
      },
      message.sdp,
    );
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
      roster.forget(conn);
    },
    sweep() {
      roster.sweep(now());
    },
    get topicCount() {
      return roster.size;
    },
  };
};
