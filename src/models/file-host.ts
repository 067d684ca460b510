import { signal, type ReadonlySignal } from '@preact/signals';
import type { ByteChannel, FileSaver } from '../adapters/files/types';
import type { FileTransferControl, FileTransferModel } from './file-transfer';

export interface FileHostDeps {
  /** Loads the saver (its module is fetched with the model, after a call connects). */
  saver: () => Promise<FileSaver>;
  maxFileBytes?: number;
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  onOffer: () => void;
  /** File traffic from the partner: they are alive (see FileTransferDeps.onActivity). */
  onActivity: () => void;
}

export interface FileHost {
  /** The file-transfer model, once its code has loaded (after the first partner connected). */
  readonly model: ReadonlySignal<FileTransferModel | null>;
  /** A partner connected over this channel (null: the connection carries no file channel). */
  attach(channel: ByteChannel | null): void;
  /** The partner is gone or reconnecting: transfers under way fail with a clear message. */
  detach(): void;
  dispose(): void;
}

/**
 * Keeps file transfer out of the first load: its model (and SHA-256) loads when a partner first
 * connects. Frames that arrive meanwhile wait in the channel (a few, bounded).
 */
export const createFileHost = (deps: FileHostDeps): FileHost => {
  const model = signal<FileTransferControl | null>(null);
  let loading: Promise<FileTransferControl | null> | null = null;
  let wanted: ByteChannel | null = null;
  let disposed = false;
  const load = () =>
    (loading ??= Promise.all([import('./file-transfer'), deps.saver()]).then(
      ([m, saver]) => {
        if (disposed) return null;
        const control = m.createFileTransferModel({
          saver,
          ...(deps.maxFileBytes === undefined ? {} : { maxFileBytes: deps.maxFileBytes }),
          now: deps.now,
          randomBytes: deps.randomBytes,
          onOffer: deps.onOffer,
          onActivity: deps.onActivity,
        });
        model.value = control;
        return control;
      },
      // Offline without the cached chunk: no file transfer in this call; everything else works.
      () => null,
    ));
  return {
    model,
    attach(channel) {
      wanted = channel;
      if (!channel || disposed) return;
      void load().then((control) => {
        if (control && wanted === channel) control.attach(channel);
      });
    },
    detach() {
      wanted = null;
      model.value?.detach();
    },
    dispose() {
      disposed = true;
      wanted = null;
      model.value?.dispose();
    },
  };
};
