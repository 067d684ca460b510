/** The browser's address bar (its URL fragment holds the room code), behind a port so tests can drive it. */
export interface AddressBar {
  getHash(): string;
  /** Sets the fragment; `replace` rewrites the current history entry instead of adding one. */
  setHash(hash: string, replace?: boolean): void;
  onHashChange(listener: () => void): () => void;
}
