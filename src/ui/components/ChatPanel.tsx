import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_CHAT_LENGTH, type ChatRefusal } from '../../core/chat';
import type { ChatEntry } from '../../models/chat';
import { t } from '../i18n/i18n';

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

const refusalText = (r: ChatRefusal): string =>
  r === 'empty' ? t('chat.empty') : r === 'too-long' ? t('chat.tooLong', { max: MAX_CHAT_LENGTH }) : t('chat.tooFast');

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
    ? t('chat.overLimit', { length: draft.length, max: MAX_CHAT_LENGTH })
    : refusal
      ? refusalText(refusal)
      : t('chat.notStored');
  const submit = () => {
    if (onSend(draft)) setDraft('');
  };

  return (
    <section class="chat" id="chat-panel" aria-labelledby="chat-title" data-testid="chat-panel">
      <h2 id="chat-title">{t('chat.title')}</h2>
      {/* Focusable so keyboard users can scroll back through a long conversation. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to be scrolled by keyboard (axe: scrollable-region-focusable). */}
      <div class="chat__log" role="log" aria-label={t('chat.log')} tabIndex={0} ref={log} data-testid="chat-log">
        {messages.length === 0 ? (
          <p class="help">{t('chat.none')}</p>
        ) : (
          <ol>
            {messages.map((m) => (
              <li key={m.id} class={`chat__message chat__message--${m.from}`} data-from={m.from}>
                <span class="chat__who">{m.from === 'self' ? t('chat.fromSelf') : t('chat.fromThem')}</span>
                <span class="chat__text" data-testid="chat-text">
                  {m.text}
                </span>
                {m.delivery === 'pending' && (
                  <span class="help" data-testid="chat-delivery">
                    {' '}
                    {t('chat.sending')}
                  </span>
                )}
                {m.delivery === 'failed' && (
                  <span class="error" data-testid="chat-delivery">
                    {' '}
                    {t('chat.notSent')}{' '}
                    <button type="button" onClick={() => onRetry(m.id)}>
                      {t('chat.retry')}
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
        <label for="chat-input">{t('chat.message')}</label>
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
        <button type="submit">{t('chat.send')}</button>
        <p id="chat-hint" class={over || refusal ? 'error' : 'help'} aria-live="polite" data-testid="chat-hint">
          {hint}
        </p>
      </form>
      {files}
    </section>
  );
};
