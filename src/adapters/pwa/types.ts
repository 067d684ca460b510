/** What the app shell needs from the browser: service worker updates, the install offer, connectivity. */
export interface AppShell {
  /** Calls back once a new version is installed and waiting; it takes over only through `applyUpdate`. */
  onUpdateReady(listener: () => void): () => void;
  /** Lets the waiting version take over, then reloads the page. Only ever called on a click. */
  applyUpdate(): void;
  /** Calls back when the browser offers (true) or withdraws (false) installing the app. */
  onInstallOffer(listener: (available: boolean) => void): () => void;
  /** Shows the browser's install dialog; resolves with whether the person accepted. */
  install(): Promise<boolean>;
  isOnline(): boolean;
  onOnlineChange(listener: (online: boolean) => void): () => void;
}
