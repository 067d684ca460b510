// The screens of a room (lobby and call, and all they mount), in one lazily loaded chunk: Home does not
// need them. New room UI belongs under these (or in chunks of its own), never in ui/App.tsx's imports.
import enRoom from '../i18n/en-room';
import { addEnglish } from '../i18n/i18n';
import { preloadCallScreen } from './Call';

// The room's English words travel with its screens, not in Home's first load.
addEnglish(enRoom);

export { Call } from './Call';
export { Lobby } from './Lobby';

// The call screen proper is a chunk of its own (Call.tsx): fetch it while the lobby is up, so joining
// never shows "Opening the call…". A failure here is reported by Call itself when it is shown.
preloadCallScreen().catch(() => undefined);
