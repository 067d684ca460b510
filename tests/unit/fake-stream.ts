/** A stand-in for MediaStream in Node (the models only read tracks, toggle `enabled` and call `stop`). */
export class FakeTrack {
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  constructor(readonly kind: 'audio' | 'video') {}
  stop() {
    this.readyState = 'ended';
  }
}

export const fakeStream = (...kinds: Array<'audio' | 'video'>): MediaStream => {
  const tracks = kinds.map((k) => new FakeTrack(k));
  const stream = {
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
    getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
  };
  return stream as unknown as MediaStream;
};

export const tracksOf = (s: MediaStream) => s.getTracks() as unknown as FakeTrack[];
