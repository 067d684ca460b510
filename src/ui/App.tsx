import type { AppModel } from '../models/app';
import { Call } from './screens/Call';
import { Home } from './screens/Home';

/** Top-level view: a config error banner (if any) above the current screen. */
export const App = ({ app }: { app: AppModel }) => {
  const screen = app.screen.value;
  const configError = app.configError.value;
  return (
    <>
      {configError && (
        <p class="banner error" role="alert" data-testid="config-error">
          {configError} Calls cannot start until the site's configuration is fixed.
        </p>
      )}
      {screen.name === 'call' ? (
        <Call key={screen.code.text} call={screen.call} code={screen.code} onHome={app.goHome} />
      ) : (
        <Home app={app} />
      )}
    </>
  );
};
