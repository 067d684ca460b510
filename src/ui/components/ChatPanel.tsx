import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_CHAT_LENGTH, type ChatRefusal } from '../../core/chat';
import type { ChatEntry } from '../../models/chat';

interface Props {
  messages: readonly ChatEntry[];
  refusal: ChatRefusal | null;
  /** Returns whether the message went out (the draft is kept otherwise). */
  onSend: (text: string) => boolean;
  /** Sends a message shown as not sent again. */
  onRetry: (entryId: number) => void;
  /** Mount point for sending files (components/FileTransfer), when the call carries files. */
  files?: ComponentChildren;
}

const refusalText: Record<ChatRefusal, string> = {
  empty: 'Type a message first.',
  'too-long': `That message is too long: at most ${MAX_CHAT_LENGTH.toLocaleString('en')} characters.`,
  'too-fast': 'You are sending messages too fast. Wait a moment, then send again.',
};

/**
 * The chat: a log of plain-text messages (rendered as text nodes, never HTML) and a box to type in.
 * Enter sends; Shift+Enter starts a new line.
 */
export const ChatPanel = ({ messages, refusal, onSend, onRetry, files }: Props) => {
  const [draft, setDraft] = useState('');
  const log = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  // Opening the panel puts the cursor where the person will type.
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [messages]);
  const over = draft.length > MAX_CHAT_LENGTH;
  const hint = over
    ? `Too long: ${draft.length.toLocaleString('en')} of at most ${MAX_CHAT_LENGTH.toLocaleString('en')} characters.`
    : refusal
      ? refusalText[refusal]
      : 'Messages are not stored: they are gone when the call ends.';
  const submit = () => {
    if (onSend(draft)) setDraft('');
  };

  return (
    <section class="chat" id="chat-panel" aria-labelledby="chat-title" data-testid="chat-panel">
      <h2 id="chat-title">Chat</h2>
      {/* Focusable so keyboard users can scroll back through a long conversation. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to be scrolled by keyboard (axe: scrollable-region-focusable). */}
      <div class="chat__log" role="log" aria-label="Messages" tabIndex={0} ref={log} data-testid="chat-log">
        {messages.length === 0 ? (
          <p class="help">No messages yet.</p>
        ) : (
          <ol>
            {messages.map((m) => (
              <li key={m.id} class={`chat__message chat__message--${m.from}`} data-from={m.from}>
                <span class="chat__who">{m.from === 'self' ? 'You: ' : 'Them: '}</span>
                <span class="chat__text" data-testid="chat-text">
                  {m.text}
                </span>
                {m.delivery === 'pending' && (
                  <span class="help" data-testid="chat-delivery">
                    {' '}
                    (sending…)
                  </span>
                )}
                {m.delivery === 'failed' && (
                  <span class="error" data-testid="chat-delivery">
                    {' '}
                    Not sent.{' '}
                    <button type="button" onClick={() => onRetry(m.id)}>
                      Retry
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ol>
        )}
      </div>
      <form
        class="chat__form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label for="chat-input">Message</label>
        <textarea
          id="chat-input"
          ref={input}
          rows={2}
          value={draft}
          aria-describedby="chat-hint"
          aria-invalid={over || refusal === 'too-long'}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
            e.preventDefault();
            submit();
          }}
        />
        <button type="submit">Send</button>
        <p id="chat-hint" class={over || refusal ? 'error' : 'help'} aria-live="polite" data-testid="chat-hint">
          {hint}
        </p>
      </form>
      {files}
    </section>
  );
};
