// The port types a screen needs, re-exported so ui never imports from src/adapters (it sees models and
// core only; see docs/architecture.md).
export type { MediaDevice, MediaProblem } from '../adapters/media/types';
export type { SignalingState } from '../adapters/signaling/types';
