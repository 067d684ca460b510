/** Getting the person's attention from a hidden tab: page visibility, a notification, a sound. */
export interface AttentionPort {
  /** Whether the page is hidden (another tab, minimised). */
  isHidden(): boolean;
  /** Notification permission now: 'default' until asked. */
  permission(): NotificationPermission | 'unsupported';
  /** Asks for notification permission (only ever from a click on the opt-in). */
  requestPermission(): Promise<NotificationPermission | 'unsupported'>;
  notify(title: string, body: string): void;
  /** A short chime. */
  chime(): void;
  /** The remembered opt-in (a preference, not a secret). */
  loadOptIn(): boolean;
  saveOptIn(on: boolean): void;
}
