import type { FileSaver, FileSink, SavedFile } from './types';

/** Received bytes are folded into a Blob every this many bytes, so the browser may page them out of the tab's heap. */
const FOLD_BYTES = 8 * 1024 * 1024;
/** A downloaded file is never opened by the page: the browser saves it as opaque bytes. */
const OPAQUE = 'application/octet-stream';

/** Keeps a file in Blob parts until it is verified; the caller's size limit bounds what it may hold. */
const memorySink = (name: string): FileSink => {
  let parts: Blob[] = [];
  let pending: Uint8Array<ArrayBuffer>[] = [];
  let pendingBytes = 0;
  return {
    async write(bytes) {
      pending.push(bytes as Uint8Array<ArrayBuffer>);
      pendingBytes += bytes.byteLength;
      if (pendingBytes >= FOLD_BYTES) {
        parts.push(new Blob(pending));
        pending = [];
        pendingBytes = 0;
      }
    },
    async commit(): Promise<SavedFile> {
      const blob = new Blob([...parts, ...pending], { type: OPAQUE });
      parts = [];
      pending = [];
      return { kind: 'download', url: URL.createObjectURL(blob), name };
    },
    abort() {
      parts = [];
      pending = [];
      pendingBytes = 0;
    },
  };
};

interface WritableFile {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}
type SavePicker = (options: { suggestedName: string }) => Promise<{ createWritable(): Promise<WritableFile> }>;

/**
 * Streams to the file the person picks. The browser writes to a temporary file and puts it in place
 * only on `close()`, which comes after the hash matched: `abort()` leaves nothing behind.
 */
const diskSink = async (picker: SavePicker, name: string): Promise<FileSink | null> => {
  let handle: Awaited<ReturnType<SavePicker>>;
  try {
    handle = await picker({ suggestedName: name });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
  const writable = await handle.createWritable();
  return {
    write: (bytes) => writable.write(bytes),
    async commit() {
      await writable.close();
      return { kind: 'written' };
    },
    abort() {
      writable.abort().catch(() => undefined);
    },
  };
};

/** Streams to disk where the File System Access API exists, otherwise keeps the file in memory for a download. */
export const createBrowserFileSaver = (): FileSaver => {
  const picker = (globalThis as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  return {
    streams: typeof picker === 'function',
    open: async (name) => (typeof picker === 'function' ? diskSink(picker, name) : memorySink(name)),
    release(saved) {
      if (saved.kind === 'download') URL.revokeObjectURL(saved.url);
    },
  };
};
