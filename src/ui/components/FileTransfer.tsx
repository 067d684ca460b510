import { useRef, useState } from 'preact/hooks';
import type { FileTransferModel, TransferView } from '../../models/file-transfer';
import { language, t, type MessageKey } from '../i18n/i18n';
import { transferReasonText } from '../transfer-reason-text';

// Inside Row the transfer is `t`, so the translation function goes by `tr` there.
const tr = t;

const UNITS: readonly MessageKey[] = ['files.kb', 'files.mb', 'files.gb', 'files.tb'];

/** "1.5 MB", "640 KB", "12 bytes": decimal units, as file managers show them, in the language's digits. */
export const formatBytes = (n: number): string => {
  if (n < 1000) return t('files.bytes', { count: n });
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = v >= 100 ? 0 : 1;
  const size = new Intl.NumberFormat(language.value, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return t(UNITS[i] as MessageKey, { n: size.format(v) });
};

const stateText: Record<TransferView['state'], MessageKey> = {
  offered: 'files.offered',
  waiting: 'files.waiting',
  active: 'files.active',
  verifying: 'files.verifying',
  done: 'files.done',
  refused: 'files.refused',
  cancelled: 'files.cancelled',
  failed: 'files.failed',
};

const pace = (tr: TransferView): string => {
  if (tr.bytesPerSecond === null) return '';
  const rate = t('files.perSecond', { size: formatBytes(Math.round(tr.bytesPerSecond)) });
  return tr.secondsLeft === null
    ? ` · ${rate}`
    : ` · ${t('files.paceLeft', { rate, seconds: Math.ceil(tr.secondsLeft) })}`;
};

const Row = ({ t, model }: { t: TransferView; model: FileTransferModel }) => {
  const flowing = t.state === 'active' || t.state === 'verifying';
  return (
    <li class="file" data-testid="file-transfer" data-direction={t.direction} data-state={t.state}>
      <p class="file__what">
        <span class="chat__who">{t.direction === 'send' ? tr('files.youSend') : tr('files.theySend')}</span>
        {/* An untrusted, sanitised name: a text node, never a link that opens it. */}
        <strong data-testid="file-name">{t.name}</strong>{' '}
        {tr('files.sizeType', { size: formatBytes(t.size), type: t.type || tr('files.unknownType') })}
      </p>
      <p class="help" data-testid="file-status">
        {tr(stateText[t.state])}
        {flowing && ` · ${tr('files.progress', { done: formatBytes(t.bytes), size: formatBytes(t.size) })}${pace(t)}`}
        {t.reason && ` · ${transferReasonText(t.reason)}`}
      </p>
      {flowing && (
        <progress
          data-testid="file-progress"
          max={t.size || 1}
          value={t.bytes}
          aria-label={tr('files.progressOf', { name: t.name })}
        />
      )}
      <div class="file__actions">
        {t.state === 'offered' && (
          <>
            <button type="button" onClick={() => void model.accept(t.key)}>
              {tr('files.accept')}
            </button>
            <button type="button" onClick={() => model.reject(t.key)}>
              {tr('files.decline')}
            </button>
          </>
        )}
        {(t.state === 'waiting' || flowing) && (
          <button type="button" onClick={() => model.cancel(t.key)}>
            {tr('files.cancel')}
          </button>
        )}
        {t.download && (
          <a class="button" href={t.download.url} download={t.download.name} data-testid="file-save">
            {tr('files.save')}
          </a>
        )}
        {!flowing && t.state !== 'offered' && t.state !== 'waiting' && (
          <button type="button" onClick={() => model.dismiss(t.key)}>
            {tr('files.dismiss')}
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
        {t('files.send')}
      </button>
      <span class="help"> {t('files.dropHint')}</span>
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
