import type { ConnectionTestProblem, ConnectionTestState } from '../../models/connection-test';
import { t } from '../i18n/i18n';
import { lazyModule } from '../lazy';
import { configProblemText } from '../problem-text';

/** The findings' words (and their English) load with the first run, not with Home. */
const words = lazyModule(() => import('../relay-verdict-text'));

const problemText = (p: ConnectionTestProblem) =>
  p.kind === 'config' ? configProblemText(p.problem) : t('connectionTest.notStarted');

/** The connection test: a button and, once run, one plain-words line per relay and ICE server. */
export const ConnectionTest = ({ state, onRun }: { state: ConnectionTestState; onRun: () => void }) => {
  const w = words.loaded.value;
  const wordsFailed = words.failed.value;
  // The findings are in, but their words are not (yet): still testing, or the words could not load.
  const wordless = state.phase === 'done' && w === null;
  const running = state.phase === 'running' || (wordless && !wordsFailed);
  return (
    <section class="connection-test" aria-labelledby="connection-test-title">
      <h2 id="connection-test-title">{t('connectionTest.title')}</h2>
      <p class="help">{t('connectionTest.help')}</p>
      <button
        type="button"
        onClick={() => {
          words.preload();
          onRun();
        }}
        disabled={running}
      >
        {running ? t('connectionTest.testing') : t('connectionTest.run')}
      </button>
      <div role="status" aria-live="polite" data-testid="connection-test">
        {state.phase === 'error' && <p class="error">{problemText(state.problem)}</p>}
        {wordless && wordsFailed && <p class="error">{t('connectionTest.notStarted')}</p>}
        {state.phase === 'done' && w !== null && (
          <ul class="connection-test__lines">
            {state.lines.map((l) => (
              <li key={l.what} data-ok={l.ok ? 'yes' : 'no'}>
                <span class="connection-test__mark" aria-hidden="true">
                  {l.ok ? '✓' : '✗'}
                </span>{' '}
                <strong>{l.what}</strong>: {w.findingText(l.finding)}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
};
