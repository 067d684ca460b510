/**
 * Who holds the seats of each topic (a Nostr `#x` topic or a tracker info_hash): the relay's
 * two-peer cap lives here, shared by both protocol hubs. A peer is a Nostr key or a tracker
 * peer_id; its seat belongs to the connection that took it. While that connection is open and the
 * seat is live, the same peer on another connection is refused ("held"): a seat never moves to a
 * socket that merely names the peer (a replayed event, an impostor's announce). The hub may probe
 * the holder (seat-probe.ts) and cut it off if it is dead; its seat is then free.
 */
export interface RosterConnection {
  readonly open: boolean;
}

export interface Seat<C> {
  readonly conn: C;
  lastActiveMs: number;
  /** A pinned seat does not expire by idleness (a Nostr page subscribed to the topic). */
  pinned: boolean;
}

export type ClaimResult<C> =
  | { ok: true; seat: Seat<C> }
  | { ok: false; reason: 'full' }
  | { ok: false; reason: 'held'; holder: C };

export interface TopicRoster<C extends RosterConnection> {
  /**
   * Takes or refreshes `peer`'s seat in `topic` for `conn`. Refused when the room is full, or when
   * the peer's seat is held by another open connection. `pinned` (if given) sets whether it expires.
   */
  claim(topic: string, peer: string, conn: C, at: number, pinned?: boolean): ClaimResult<C>;
  /** Live seats of the topic, by peer (expired and closed ones are dropped on the way). */
  seats(topic: string, at: number): ReadonlyMap<string, Seat<C>>;
  /** Whether `conn` holds any live seat in `topic`. */
  isSeated(topic: string, conn: C, at: number): boolean;
  /** Pins or unpins every seat `conn` holds in `topic`. */
  pin(topic: string, conn: C, pinned: boolean): void;
  /** Frees `peer`'s seat if `conn` holds it. */
  release(topic: string, peer: string, conn: C): void;
  /** Frees every seat `conn` holds in `topic`. */
  leave(topic: string, conn: C): void;
  /** Frees every seat of the connection (it closed). */
  forget(conn: C): void;
  /** Topics in which `conn` holds a seat. */
  topicsOf(conn: C): ReadonlySet<string>;
  /** Drops expired seats and empty topics. */
  sweep(at: number): void;
  /** Names of the topics with at least one seat. */
  names(): IterableIterator<string>;
  /** Topics with at least one seat. */
  readonly size: number;
}

export interface RosterOptions {
  /** Seats per topic (read on each claim, so a test may change limits). */
  maxPeers: () => number;
  /** An unpinned seat expires this long after its last claim. */
  idleMs: () => number;
}

export const createTopicRoster = <C extends RosterConnection>(options: RosterOptions): TopicRoster<C> => {
  const topics = new Map<string, Map<string, Seat<C>>>();
  const byConn = new Map<C, Map<string, Set<string>>>();

  const isLive = (seat: Seat<C>, at: number): boolean =>
    seat.conn.open && (seat.pinned || at - seat.lastActiveMs <= options.idleMs());

  const unindex = (conn: C, topic: string, peer: string): void => {
    const mine = byConn.get(conn);
    const peers = mine?.get(topic);
    peers?.delete(peer);
    if (peers?.size === 0) mine?.delete(topic);
    if (mine?.size === 0) byConn.delete(conn);
  };

  const drop = (topic: string, seats: Map<string, Seat<C>>, peer: string, seat: Seat<C>): void => {
    seats.delete(peer);
    unindex(seat.conn, topic, peer);
    if (seats.size === 0) topics.delete(topic);
  };

  const live = (topic: string, at: number): Map<string, Seat<C>> => {
    const seats = topics.get(topic);
    if (seats === undefined) return new Map();
    for (const [peer, seat] of seats) if (!isLive(seat, at)) drop(topic, seats, peer, seat);
    return seats;
  };

  return {
    claim(topic, peer, conn, at, pinned) {
      const seats = live(topic, at);
      const current = seats.get(peer);
      if (current !== undefined && current.conn !== conn) return { ok: false, reason: 'held', holder: current.conn };
      if (current !== undefined) {
        current.lastActiveMs = at;
        if (pinned !== undefined) current.pinned = pinned;
        return { ok: true, seat: current };
      }
      if (seats.size >= options.maxPeers()) return { ok: false, reason: 'full' };
      const seat: Seat<C> = { conn, lastActiveMs: at, pinned: pinned ?? false };
      seats.set(peer, seat);
      topics.set(topic, seats);
      const mine = byConn.get(conn) ?? new Map<string, Set<string>>();
      const peers = mine.get(topic) ?? new Set<string>();
      peers.add(peer);
      mine.set(topic, peers);
      byConn.set(conn, mine);
      return { ok: true, seat };
    },
    seats: live,
    isSeated(topic, conn, at) {
      for (const seat of live(topic, at).values()) if (seat.conn === conn) return true;
      return false;
    },
    pin(topic, conn, pinned) {
      const seats = topics.get(topic);
      for (const peer of byConn.get(conn)?.get(topic) ?? []) {
        const seat = seats?.get(peer);
        if (seat !== undefined) seat.pinned = pinned;
      }
    },
    release(topic, peer, conn) {
      const seats = topics.get(topic);
      const seat = seats?.get(peer);
      if (seats !== undefined && seat !== undefined && seat.conn === conn) drop(topic, seats, peer, seat);
    },
    leave(topic, conn) {
      for (const peer of [...(byConn.get(conn)?.get(topic) ?? [])]) this.release(topic, peer, conn);
    },
    forget(conn) {
      for (const topic of [...(byConn.get(conn)?.keys() ?? [])]) this.leave(topic, conn);
      byConn.delete(conn);
    },
    topicsOf(conn) {
      return new Set(byConn.get(conn)?.keys() ?? []);
    },
    sweep(at) {
      for (const topic of [...topics.keys()]) live(topic, at);
    },
    names: () => topics.keys(),
    get size() {
      return topics.size;
    },
  };
};
