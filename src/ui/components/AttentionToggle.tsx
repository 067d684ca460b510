import type { AttentionProblem } from '../../models/attention';
import { t } from '../i18n/i18n';

/** The opt-in for a notification and chime when the other person joins while this tab is hidden. */
export const AttentionToggle = ({
  on,
  problem,
  onChange,
}: {
  on: boolean;
  problem: AttentionProblem | null;
  onChange: (on: boolean) => void;
}) => (
  <div class="attention">
    <label>
      <input type="checkbox" checked={on} onChange={(e) => onChange(e.currentTarget.checked)} /> {t('attention.optIn')}
    </label>
    {problem && (
      <p class="error" role="alert">
        {t(problem === 'unsupported' ? 'attention.unsupported' : 'attention.blocked')}
      </p>
    )}
  </div>
);
