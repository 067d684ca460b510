import { type ReadonlySignal } from '@preact/signals';
import { type ChatRefusal } from '../core/chat';
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
export declare const createChatModel: (now: () => number) => ChatControl;
