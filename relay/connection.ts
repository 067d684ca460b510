import { WebSocket } from 'ws';
import type { Allowance } from './allowance.js';
import { sendCost, type RelayLimits } from './limits.js';
import type { Logger } from './log.js';
import type { Metrics, RefusalReason } from './metrics.js';
import type { TokenBucket } from '../src/core/token-bucket.js';

/** One accepted WebSocket and what the guards track about it. The clear IP stays in memory for per-IP limits; logs get `ipHash`. */
export interface ClientConnection {
  readonly id: number;
  readonly socket: WebSocket;
  readonly ip: string;
  /** The address group its per-address limits count against (IPv4 /32, IPv6 /64; address-group.ts). */
  readonly group: string;
  readonly ipHash: string;
  /** Set by a pong, cleared by each heartbeat ping. */
  alive: boolean;
  /** False from the moment the socket starts closing: it holds no room slot after that. */
  open: boolean;
  /** This connection's work budget in `COST` units (the address group's lives with the server). */
  readonly bucket: TokenBucket;
  /** Work it may do without charging its group (limits.connectionAllowance). */
  readonly allowance: Allowance;
  /** Refusals for its own budget it may still run up before it is disconnected (limits.refusalTolerance). */
  readonly tolerance: TokenBucket;
  /** When this connection was last told it is rate-limited. */
  lastRateReplyMs: number;
}

/** What the protocol hubs need from the server around them. */
export interface HubContext {
  limits: RelayLimits;
  metrics: Metrics;
  log: Logger;
  now: () => number;
  /** Sends a JSON message unless the socket is closing; cuts off a client whose send buffer passed the cap. Returns whether it was sent. */
  send(conn: ClientConnection, message: unknown): boolean;
  /** Counts a refusal and logs its first occurrence on this connection. */
  refuse(conn: ClientConnection, reason: RefusalReason): void;
  /**
   * Charges `units` of work (see `COST` in limits.ts: bytes, signature checks, filter size, bytes
   * sent) to the connection's and its address group's budgets. False: over budget, do not do the work.
   */
  charge(conn: ClientConnection, units: number): boolean;
}

/**
 * `chargeOut` bills the receiving connection (and its group) for what it is sent: best effort, never
 * dropping a message, so a connection that pulls much output has that much less budget for its own frames.
 */
export const createSender =
  (
    limits: RelayLimits,
    metrics: Metrics,
    log: Logger,
    chargeOut: (conn: ClientConnection, units: number) => void = () => {},
  ) =>
  (conn: ClientConnection, message: unknown): boolean => {
    const { socket } = conn;
    if (!conn.open || socket.readyState !== WebSocket.OPEN) return false;
    // A reader that stopped reading would otherwise make us buffer every message for it forever.
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      metrics.refused('slow_consumer');
      log('slow_consumer', { conn: conn.id, ip: conn.ipHash, buffered: socket.bufferedAmount });
      conn.open = false;
      socket.terminate();
      return false;
    }
    const text = JSON.stringify(message);
    const cost = sendCost(text.length);
    if (cost > 0) chargeOut(conn, cost);
    socket.send(text);
    return true;
  };

/** A protocol spoken over the relay's WebSocket (NIP-01 subset, WebTorrent tracker). */
export interface ProtocolHub {
  /** Handles one text frame that passed the rate limits. Never throws for bad input. */
  handleFrame(conn: ClientConnection, frame: string): void;
  /** Answers a frame refused for rate, in the protocol's own words. */
  refuseForRate(conn: ClientConnection, frame: string): void;
  /** Forgets the connection at once (its room slots are free from now on). */
  forget(conn: ClientConnection): void;
  /** Drops idle topic state. */
  sweep(): void;
  readonly topicCount: number;
}
