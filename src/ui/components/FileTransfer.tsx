import { useRef, useState } from 'preact/hooks';
import type { FileTransferModel, TransferView } from '../../models/file-transfer';

/** "1.5 MB", "640 KB", "12 bytes": decimal units, as file managers show them. */
export const formatBytes = (n: number): string => {
  if (n < 1000) return `${n} byte${n === 1 ? '' : 's'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
};

const stateText: Record<TransferView['state'], string> = {
  offered: 'Wants to send you a file',
  waiting: 'Waiting for them to accept',
  active: 'Transferring',
  verifying: 'Checking the file (SHA-256)',
  done: 'Done',
  refused: 'Not sent',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

const pace = (t: TransferView): string => {
  if (t.bytesPerSecond === null) return '';
  const left = t.secondsLeft === null ? '' : `, ${Math.ceil(t.secondsLeft)} s left`;
  return ` · ${formatBytes(Math.round(t.bytesPerSecond))}/s${left}`;
};

const Row = ({ t, model }: { t: TransferView; model: FileTransferModel }) => {
  const flowing = t.state === 'active' || t.state === 'verifying';
  return (
    <li class="file" data-testid="file-transfer" data-direction={t.direction} data-state={t.state}>
      <p class="file__what">
        <span class="chat__who">{t.direction === 'send' ? 'You send: ' : 'They send: '}</span>
        {/* An untrusted, sanitised name: a text node, never a link that opens it. */}
        <strong data-testid="file-name">{t.name}</strong> ({formatBytes(t.size)}
        {t.type ? `, ${t.type}` : ', unknown type'})
      </p>
      <p class="help" data-testid="file-status">
        {stateText[t.state]}
        {flowing && ` · ${formatBytes(t.bytes)} of ${formatBytes(t.size)}${pace(t)}`}
        {t.message && ` · ${t.message}`}
      </p>
      {flowing && (
        <progress data-testid="file-progress" max={t.size || 1} value={t.bytes} aria-label={`Progress of ${t.name}`} />
      )}
      <div class="file__actions">
        {t.state === 'offered' && (
          <>
            <button type="button" onClick={() => void model.accept(t.key)}>
              Accept
            </button>
            <button type="button" onClick={() => model.reject(t.key)}>
              Decline
            </button>
          </>
        )}
        {(t.state === 'waiting' || flowing) && (
          <button type="button" onClick={() => model.cancel(t.key)}>
            Cancel
          </button>
        )}
        {t.download && (
          <a class="button" href={t.download.url} download={t.download.name} data-testid="file-save">
            Save file
          </a>
        )}
        {!flowing && t.state !== 'offered' && t.state !== 'waiting' && (
          <button type="button" onClick={() => model.dismiss(t.key)}>
            Dismiss
          </button>
        )}
      </div>
    </li>
  );
};

/** Sending and receiving files, inside the chat panel: pick or drop a file; answer offers; see progress. */
export const FileTransfer = ({ model }: { model: FileTransferModel }) => {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const ready = model.ready.value;
  const transfers = model.transfers.value;
  const sendAll = (files: FileList | null | undefined) => {
    for (const f of Array.from(files ?? [])) model.send(f);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping is a mouse shortcut; the "Send a file" button does the same from the keyboard.
    <div
      class={`files${over ? ' files--over' : ''}`}
      data-testid="files"
      onDragOver={(e) => {
        if (!ready) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (ready) sendAll(e.dataTransfer?.files);
      }}
    >
      <input
        ref={input}
        type="file"
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="file-input"
        onChange={(e) => {
          sendAll(e.currentTarget.files);
          e.currentTarget.value = '';
        }}
      />
      <button type="button" disabled={!ready} onClick={() => input.current?.click()}>
        Send a file
      </button>
      <span class="help"> or drop one here. They must accept it; files are checked with SHA-256.</span>
      {transfers.length > 0 && (
        <ul class="files__list" aria-live="polite">
          {transfers.map((t) => (
            <Row key={t.key} t={t} model={model} />
          ))}
        </ul>
      )}
    </div>
  );
};
