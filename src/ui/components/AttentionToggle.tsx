/** The opt-in for a notification and chime when the other person joins while this tab is hidden. */
export const AttentionToggle = ({
  on,
  problem,
  onChange,
}: {
  on: boolean;
  problem: string | null;
  onChange: (on: boolean) => void;
}) => (
  <div class="attention">
    <label>
      <input type="checkbox" checked={on} onChange={(e) => onChange(e.currentTarget.checked)} /> Notify me (with a
      sound) when the other person joins while this tab is in the background
    </label>
    {problem && (
      <p class="error" role="alert">
        {problem}
      </p>
    )}
  </div>
);
