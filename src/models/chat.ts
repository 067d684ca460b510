import { batch, signal, type ReadonlySignal } from '@preact/signals';
import { CHAT_RECEIVE_BUDGET, CHAT_SEND_BUDGET, MAX_CHAT_HISTORY, prepareChat, type ChatRefusal } from '../core/chat';
import { createTokenBucket } from '../core/token-bucket';

/** One line of the conversation. */
export interface ChatEntry {
  /** Unique within the call, for list keys. */
  id: number;
  from: 'self' | 'peer';
  /** Untrusted when from the peer: render as text only. */
  text: string;
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
  /** Sends a typed message to the partner; false (and `refusal` says why) if it was not sent. */
  send(typed: string): boolean;
}

/** What the call model drives: who the conversation is with, and what arrives. */
export interface ChatControl extends ChatModel {
  /** Starts the chat with a partner; `keep`: the same partner back over a fresh connection, so what was said stays. */
  start(deliver: (text: string) => void, keep?: boolean): void;
  /** A parsed chat message from the partner; false when it was over the chat budget (dropped). */
  receive(text: string): boolean;
  /** The call or the partner is gone: forget everything said. */
  clear(): void;
}

/** The chat of one call: in memory only, cleared with every partner change and at the end of the call. */
export const createChatModel = (now: () => number): ChatControl => {
  const messages = signal<readonly ChatEntry[]>([]);
  const unread = signal(0);
  const open = signal(false);
  const refusal = signal<ChatRefusal | null>(null);
  let deliver: ((text: string) => void) | null = null;
  let sendBudget = createTokenBucket(CHAT_SEND_BUDGET.capacity, CHAT_SEND_BUDGET.perSecond, now);
  let receiveBudget = createTokenBucket(CHAT_RECEIVE_BUDGET.capacity, CHAT_RECEIVE_BUDGET.perSecond, now);
  let nextId = 0;

  const append = (from: ChatEntry['from'], text: string) => {
    messages.value = [...messages.value.slice(1 - MAX_CHAT_HISTORY), { id: nextId++, from, text }];
  };

  const clear = () => {
    deliver = null;
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
      deliver(prepared.text);
      batch(() => {
        refusal.value = null;
        append('self', prepared.text);
      });
      return true;
    },
    start(d, keep = false) {
      if (!keep) clear();
      deliver = d;
      sendBudget = createTokenBucket(CHAT_SEND_BUDGET.capacity, CHAT_SEND_BUDGET.perSecond, now);
      receiveBudget = createTokenBucket(CHAT_RECEIVE_BUDGET.capacity, CHAT_RECEIVE_BUDGET.perSecond, now);
    },
    receive(text) {
      if (!deliver) return true;
      if (!receiveBudget.take()) return false;
      batch(() => {
        append('peer', text);
        if (!open.value) unread.value++;
      });
      return true;
    },
    clear,
  };
};
