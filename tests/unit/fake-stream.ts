import { FakeTrack, fakeStreamOf } from '../../src/adapters/media/fake';

/** A stand-in for MediaStream in Node (the models only read tracks, toggle `enabled` and call `stop`). */
export { FakeTrack };

export const fakeStream = (...kinds: Array<'audio' | 'video'>): MediaStream =>
  fakeStreamOf(kinds.map((k) => new FakeTrack(k)));

export const tracksOf = (s: MediaStream) => s.getTracks() as unknown as FakeTrack[];
