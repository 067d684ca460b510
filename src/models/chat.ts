import { batch, signal, type ReadonlySignal } from '@preact/signals';
import {
  CHAT_OUTBOX_BYTES,
  CHAT_RECEIVE_BUDGET,
  CHAT_RESEND_MS,
  CHAT_SEEN_IDS,
  CHAT_SEND_BUDGET,
  CHAT_UNSENT_AFTER_MS,
  MAX_CHAT_HISTORY,
  prepareChat,
  type ChatFrame,
  type ChatRefusal,
} from '../core/chat';
import { createTokenBucket } from '../core/token-bucket';

/** One line of the conversation. */
export interface ChatEntry {
  /** Unique within the call, for list keys. */
  id: number;
  from: 'self' | 'peer';
  /** Untrusted when from the peer: render as text only. */
  text: string;
  /**
   * Our own messages only: `pending` until the partner confirms it (queued while they are away),
   * `failed` when it was not confirmed in time or the queue was full (retry() sends it again).
   */
  delivery?: 'pending' | 'delivered' | 'failed';
}

export interface ChatModel {
  /** The conversation with the current partner, oldest first (memory only; at most MAX_CHAT_HISTORY). */
  readonly messages: ReadonlySignal<readonly ChatEntry[]>;
  /** Messages from the partner that arrived while the panel was closed. */
  readonly unread: ReadonlySignal<number>;
  readonly open: ReadonlySignal<boolean>;
  /** Why the last attempt to send was refused, until the next one succeeds. */
  readonly refusal: ReadonlySignal<ChatRefusal | null>;
  setOpen(open: boolean): void;
  /** Sends (or queues, while the partner is away) a typed message; false (and `refusal` says why) if refused. */
  send(typed: string): boolean;
  /** Sends a message shown as not sent again (entry id); false if it is not one, or too fast. */
  retry(entryId: number): boolean;
}

/** What the call model drives: who the conversation is with, and what arrives. */
export interface ChatControl extends ChatModel {
  /**
   * Starts the chat with a partner; `keep`: the same partner back over a fresh connection, so what was
   * said stays, and what they have not confirmed is sent again.
   */
  start(deliver: (frame: ChatFrame) => void, keep?: boolean): void;
  /** The path to the partner is down (they are being recovered): what is typed waits. */
  pause(): void;
  /** The path works again: what waited, and what was not confirmed, is sent (again), in order. */
  resume(): void;
  /** A parsed chat frame from the partner; false when it was over the chat budget (dropped). */
  receive(frame: ChatFrame): boolean;
  /** The clock moved (the call's heartbeat): paced sends go out, unconfirmed old ones are shown as not sent. */
  tick(): void;
  /** The call or the partner is gone: forget everything said. */
  clear(): void;
}

/** One of our messages the partner has not confirmed. */
interface Unconfirmed {
  wire: number;
  entry: number;
  text: string;
  since: number;
  /** Sent over the current path (else waiting to be). */
  sent: boolean;
  /** When it last went out. */
  at: number;
}

/**
 * The chat of one call: in memory only, cleared with every partner change and at the end of the call.
 * Nothing typed is lost silently: each message is numbered and kept until the partner confirms it;
 * while the path is down it waits, and after a recovery everything unconfirmed is sent again, in
 * order (the partner drops what it already has by its number). A message not confirmed within
 * CHAT_UNSENT_AFTER_MS, or past the CHAT_OUTBOX_BYTES queue, is shown as not sent, with a retry.
 */
export const createChatModel = (now: () => number): ChatControl => {
  const messages = signal<readonly ChatEntry[]>([]);
  const unread = signal(0);
  const open = signal(false);
  const refusal = signal<ChatRefusal | null>(null);
  let deliver: ((frame: ChatFrame) => void) | null = null;
  let paused = false;
  const bucket = (b: { capacity: number; perSecond: number }) => createTokenBucket(b.capacity, b.perSecond, now);
  let sendBudget = bucket(CHAT_SEND_BUDGET);
  let receiveBudget = bucket(CHAT_RECEIVE_BUDGET);
  /**
   * What goes on the wire, resends included, keeps to the sender's own pace: a burst of messages
   * queued during an outage must not meet the partner's receive budget all at once.
   */
  let wireBudget = bucket(CHAT_SEND_BUDGET);
  let nextId = 0;
  let nextWire = 0;
  /** Ours, oldest first. */
  let outbox: Unconfirmed[] = [];
  /** The partner's message ids already shown, oldest first (bounded). */
  let seen = new Set<number>();
  /** Entries shown as not sent, with the number they keep if retried. */
  let failedWire = new Map<number, number>();

  const append = (entry: Omit<ChatEntry, 'id'>): number => {
    const id = nextId++;
    messages.value = [...messages.value.slice(1 - MAX_CHAT_HISTORY), { id, ...entry }];
    return id;
  };
  const mark = (entries: ReadonlySet<number>, delivery: NonNullable<ChatEntry['delivery']>) => {
    if (entries.size === 0) return;
    messages.value = messages.value.map((m) => (entries.has(m.id) ? { ...m, delivery } : m));
  };
  const outboxBytes = () => outbox.reduce((n, u) => n + 2 * u.text.length, 0);

  /** Sends what waits, in order, as the pace allows. */
  const flush = () => {
    if (!deliver || paused) return;
    for (const u of outbox) {
      if (u.sent) continue;
      if (!wireBudget.take()) return;
      u.sent = true;
      u.at = now();
      deliver({ type: 'chat', id: u.wire, text: u.text });
    }
  };

  /** Queues `text` (a new message, or a retry keeping its number) as entry `entry`. */
  const enqueue = (wire: number, entry: number, text: string) => {
    outbox.push({ wire, entry, text, since: now(), sent: false, at: 0 });
    flush();
  };

  const resume = () => {
    if (!deliver || !paused) return;
    paused = false;
    // What went out over the broken path may or may not have arrived: send it again, in order.
    for (const u of outbox) u.sent = false;
    flush();
  };

  const clear = () => {
    deliver = null;
    paused = false;
    outbox = [];
    seen = new Set();
    failedWire = new Map();
    nextWire = 0;
    batch(() => {
      messages.value = [];
      unread.value = 0;
      refusal.value = null;
    });
  };

  return {
    messages,
    unread,
    open,
    refusal,
    setOpen(value) {
      batch(() => {
        open.value = value;
        if (value) unread.value = 0;
      });
    },
    send(typed) {
      if (!deliver) return false;
      const prepared = prepareChat(typed);
      // Only a message that would be sent spends a token: a refused long one costs nothing.
      const reason = !prepared.ok ? prepared.reason : sendBudget.take() ? null : 'too-fast';
      if (reason !== null || !prepared.ok) {
        refusal.value = reason;
        return false;
      }
      const { text } = prepared;
      const full = outboxBytes() + 2 * text.length > CHAT_OUTBOX_BYTES;
      batch(() => {
        refusal.value = null;
        const entry = append({ from: 'self', text, delivery: full ? 'failed' : 'pending' });
        const wire = nextWire++;
        if (!full) enqueue(wire, entry, text);
        else failedWire.set(entry, wire);
      });
      return true;
    },
    retry(entryId) {
      const m = messages.value.find((e) => e.id === entryId);
      if (!deliver || !m || m.delivery !== 'failed') return false;
      if (outboxBytes() + 2 * m.text.length > CHAT_OUTBOX_BYTES || !sendBudget.take()) {
        refusal.value = 'too-fast';
        return false;
      }
      // The same number: if the partner got it after all (only the confirmation was lost), it is not shown twice.
      const wire = failedWire.get(entryId) ?? nextWire++;
      failedWire.delete(entryId);
      batch(() => {
        refusal.value = null;
        // Moved to the end: it is sent after everything already on its way, as the partner will see it.
        messages.value = messages.value.filter((e) => e.id !== entryId);
        const entry = append({ from: 'self', text: m.text, delivery: 'pending' });
        enqueue(wire, entry, m.text);
      });
      return true;
    },
    start(d, keep = false) {
      if (!keep) clear();
      deliver = d;
      sendBudget = bucket(CHAT_SEND_BUDGET);
      receiveBudget = bucket(CHAT_RECEIVE_BUDGET);
      wireBudget = bucket(CHAT_SEND_BUDGET);
      // A fresh connection: nothing unconfirmed went over it yet.
      paused = false;
      for (const u of outbox) u.sent = false;
      flush();
    },
    pause() {
      if (deliver) paused = true;
    },
    resume,
    receive(frame) {
      if (!deliver) return true;
      if (frame.type === 'chat-ack') {
        const done = outbox.find((u) => u.wire === frame.id && u.sent);
        if (done) {
          outbox = outbox.filter((u) => u !== done);
          mark(new Set([done.entry]), 'delivered');
        }
        return true;
      }
      // A repeat (sent again after a re-dial) is confirmed again and not shown; it costs no budget.
      if (!seen.has(frame.id)) {
        if (!receiveBudget.take()) return false;
        seen.add(frame.id);
        if (seen.size > CHAT_SEEN_IDS) seen.delete(seen.values().next().value as number);
        batch(() => {
          append({ from: 'peer', text: frame.text });
          if (!open.value) unread.value++;
        });
      }
      deliver({ type: 'chat-ack', id: frame.id });
      return true;
    },
    tick() {
      const cutoff = now() - CHAT_UNSENT_AFTER_MS;
      const late = outbox.filter((u) => u.since <= cutoff);
      if (late.length > 0) {
        outbox = outbox.filter((u) => u.since > cutoff);
        for (const u of late) failedWire.set(u.entry, u.wire);
        mark(new Set(late.map((u) => u.entry)), 'failed');
      }
      // Unconfirmed for a while on a working path: it may have arrived before the partner took us back.
      if (!paused) for (const u of outbox) if (u.sent && now() - u.at >= CHAT_RESEND_MS) u.sent = false;
      flush();
    },
    clear,
  };
};
