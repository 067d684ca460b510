import { useEffect, useState } from 'preact/hooks';
import type { Quality } from '../../core/connection-stats';
import type { CallModel } from '../../models/call';
import { verifyBadge } from '../components/VerifyPanel';

type Panels = typeof import('../components/call-panels');
/** The panels load once a call connects (they are not needed on Home), then stay loaded. */
let panels: Panels | null = null;

const qualityText: Record<Quality, string> = {
  good: 'Connection: good',
  fair: 'Connection: fair',
  poor: 'Connection: poor',
  unknown: 'Connection: measuring…',
};

/** The connected call's quality indicator, with the toggles and panels for connection details and chat. */
export const CallPanels = ({ call }: { call: CallModel }) => {
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [, setLoaded] = useState(panels !== null);
  useEffect(() => {
    if (panels) return;
    // A failed load (offline without the cached chunk) leaves the toggles without panels; nothing else breaks.
    import('../components/call-panels').then(
      (m) => {
        panels = m;
        setLoaded(true);
      },
      () => undefined,
    );
  }, []);
  const { chat, connection } = call;
  const quality = connection.quality.value;
  const chatOpen = chat.open.value;
  const unread = chat.unread.value;
  const fileModel = call.files.model.value;
  return (
    <>
      <div class="call-bar">
        <p class={`badge quality quality--${quality}`} data-testid="quality" data-quality={quality}>
          {qualityText[quality]}
        </p>
        {/* aria-controls only while the panel exists: it must name an element on the page. */}
        <button
          type="button"
          aria-expanded={detailsOpen}
          aria-controls={detailsOpen ? 'details-panel' : undefined}
          onClick={() => setDetailsOpen(!detailsOpen)}
        >
          Connection details
        </button>
        <button
          type="button"
          aria-expanded={chatOpen}
          aria-controls={chatOpen ? 'chat-panel' : undefined}
          onClick={() => chat.setOpen(!chatOpen)}
        >
          Chat
          {unread > 0 && ' '}
          {unread > 0 && (
            <span class="unread" data-testid="chat-unread">
              {unread}
              <span class="visually-hidden"> unread</span>
            </span>
          )}
        </button>
      </div>
      {detailsOpen && panels && (
        <panels.ConnectionDetails
          summary={connection.summary.value}
          verification={verifyBadge(call.verification.value?.view.value ?? null).text}
        />
      )}
      {chatOpen && panels && (
        <panels.ChatPanel
          messages={chat.messages.value}
          refusal={chat.refusal.value}
          onSend={chat.send}
          onRetry={chat.retry}
          files={fileModel && <panels.FileTransfer model={fileModel} />}
        />
      )}
    </>
  );
};
