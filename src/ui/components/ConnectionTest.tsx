import type { ConnectionTestState } from '../../models/connection-test';
import { t } from '../i18n/i18n';

/** The connection test: a button and, once run, one plain-words line per relay and ICE server. */
export const ConnectionTest = ({ state, onRun }: { state: ConnectionTestState; onRun: () => void }) => (
  <section class="connection-test" aria-labelledby="connection-test-title">
    <h2 id="connection-test-title">{t('connectionTest.title')}</h2>
    <p class="help">{t('connectionTest.help')}</p>
    <button type="button" onClick={onRun} disabled={state.phase === 'running'}>
      {state.phase === 'running' ? t('connectionTest.testing') : t('connectionTest.run')}
    </button>
    <div role="status" aria-live="polite" data-testid="connection-test">
      {state.phase === 'error' && <p class="error">{state.message}</p>}
      {state.phase === 'done' && (
        <ul class="connection-test__lines">
          {state.lines.map((l) => (
            <li key={l.what} data-ok={l.ok ? 'yes' : 'no'}>
              <span class="connection-test__mark" aria-hidden="true">
                {l.ok ? '✓' : '✗'}
              </span>{' '}
              <strong>{l.what}</strong>: {l.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  </section>
);
