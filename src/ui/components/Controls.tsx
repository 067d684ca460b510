interface Props {
  micOn: boolean;
  cameraOn: boolean;
  hasMic: boolean;
  hasCamera: boolean;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onHangUp: () => void;
}

/** Mute, camera and hang-up buttons; toggles expose their state to assistive tech with aria-pressed. */
export const Controls = (p: Props) => (
  <div class="controls" role="toolbar" aria-label="Call controls">
    <button type="button" aria-pressed={!p.micOn} disabled={!p.hasMic} onClick={p.onToggleMic}>
      {p.micOn ? 'Mute' : 'Unmute'}
    </button>
    <button type="button" aria-pressed={!p.cameraOn} disabled={!p.hasCamera} onClick={p.onToggleCamera}>
      {p.cameraOn ? 'Camera off' : 'Camera on'}
    </button>
    <button type="button" class="danger" onClick={p.onHangUp}>
      Hang up
    </button>
  </div>
);
