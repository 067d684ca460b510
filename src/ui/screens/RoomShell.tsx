interface Props {
  /** The room's code needs a password next (said at once, as the lobby says it). */
  hasPassword: boolean;
  /** The room's screens could not be loaded. */
  failed: boolean;
  onRetry: () => void;
  onCancel: () => void;
}

/**
 * What a room shows at once while its screens' code is still on the way (a slow network, a busy
 * phone): the lobby's heading and layout, so the page is never blank and the person can still leave.
 */
export const RoomShell = ({ hasPassword, failed, onRetry, onCancel }: Props) => (
  <main class="lobby" data-testid="room-shell" aria-busy={!failed}>
    <h1>Ready to join?</h1>
    <p class="lede">
      Check your camera and microphone before you go in.{hasPassword && ' This room asks for a password next.'}
    </p>
    {failed ? (
      <p class="error" role="alert">
        Parley could not load this screen. Check your connection, then try again.
      </p>
    ) : (
      <p class="help" role="status">
        Loading…
      </p>
    )}
    <div class="controls">
      {failed && (
        <button type="button" class="primary" onClick={onRetry}>
          Try again
        </button>
      )}
      <button type="button" onClick={onCancel}>
        Back to home
      </button>
    </div>
  </main>
);
