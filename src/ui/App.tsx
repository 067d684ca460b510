import { useEffect } from 'preact/hooks';
import type { AppModel } from '../models/app';
import type { ShellModel } from '../models/shell';
import type { AttentionModel } from '../models/attention';
import type { ConnectionTestModel } from '../models/connection-test';
import { AttentionToggle } from './components/AttentionToggle';
import { ConnectionTest } from './components/ConnectionTest';
import { OfflineNotice, ShellBar } from './components/ShellBar';
import { lazyModule } from './lazy';
import { Home } from './screens/Home';
import { RoomShell } from './screens/RoomShell';
import { t } from './i18n/i18n';
import { configProblemText } from './problem-text';

/** The lobby and call screens: loaded on the way into a room (see preloadRoomScreens), not with Home. */
const roomScreens = lazyModule(() => import('./screens/room-screens'));
/** Starts loading the room's screens: on intent on Home, or at once when the link holds a room code. */
export const preloadRoomScreens = roomScreens.preload;

/** Top-level view: the offline notice, a config error banner (if any), the current screen, then (on Home) the update/install bar. */
export const App = ({
  app,
  shell,
  connectionTest,
  attention,
}: {
  app: AppModel;
  shell: ShellModel;
  connectionTest?: ConnectionTestModel;
  attention?: AttentionModel;
}) => {
  const screen = app.screen.value;
  const configError = app.configError.value;
  const room = roomScreens.loaded.value;
  const inRoom = screen.name !== 'home';
  // Normally already asked for (intent, or the link); this covers any other way into a room.
  useEffect(() => {
    if (inRoom) roomScreens.preload();
  }, [inRoom]);
  const attentionToggle = attention && (
    <AttentionToggle
      on={attention.optedIn.value}
      problem={attention.problem.value}
      onChange={(on) => void attention.setOptIn(on)}
    />
  );
  return (
    <>
      <OfflineNotice shell={shell} />
      {/* Offline, the offline notice says why nothing connects; a config fetch that failed for that reason is no config fault. */}
      {configError && shell.online.value && (
        <p class="banner error" role="alert" data-testid="config-error">
          {t('config.cannotStart', { error: configProblemText(configError) })}
        </p>
      )}
      {screen.name !== 'home' && !room ? (
        <RoomShell
          hasPassword={screen.code.hasPassword}
          failed={roomScreens.failed.value}
          onRetry={roomScreens.preload}
          onCancel={app.goHome}
        />
      ) : screen.name === 'call' && room ? (
        <room.Call
          key={screen.code.text}
          call={screen.call}
          code={screen.code}
          onHome={app.goHome}
          whileWaiting={attentionToggle}
        />
      ) : screen.name === 'lobby' && room ? (
        <room.Lobby key={screen.code.text} lobby={screen.lobby} code={screen.code} onCancel={app.goHome} />
      ) : (
        <Home app={app}>
          {attentionToggle}
          {connectionTest && (
            <ConnectionTest state={connectionTest.state.value} onRun={() => void connectionTest.run()} />
          )}
        </Home>
      )}
      {/* Offers are for Home: a room's screens grow as the devices answer, and would push the bar about. */}
      {!inRoom && <ShellBar shell={shell} />}
    </>
  );
};
