// The screens of a room (lobby and call, and all they mount), in one lazily loaded chunk: Home does not
// need them. New room UI belongs under these (or in chunks of its own), never in ui/App.tsx's imports.
export { Call } from './Call';
export { Lobby } from './Lobby';
