/** A screen wake lock being held; `release` lets the screen sleep again. */
export interface WakeLockHold {
  release(): void;
}

/** Keeping the screen on (Screen Wake Lock API) and the page visibility that decides when it may be held. */
export interface WakeLockPort {
  /**
   * Asks for a screen wake lock: null when refused (unsupported, battery saver, page hidden). `onLost` is
   * called once if the browser drops the lock by itself (the browser always does when the tab is hidden).
   */
  request(onLost: () => void): Promise<WakeLockHold | null>;
  isVisible(): boolean;
  /** Called on every visibility change; returns the unsubscribe. */
  onVisibilityChange(listener: () => void): () => void;
}
