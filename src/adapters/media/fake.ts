import type { LocalMedia, MediaDevicesPort } from './types';

/** Media for unit tests: returns whatever LocalMedia the test hands it, counting requests. */
export const createFakeMedia = (result: () => LocalMedia) => {
  let calls = 0;
  const port: MediaDevicesPort = {
    async getLocalMedia() {
      calls++;
      return result();
    },
  };
  return { port, calls: () => calls };
};
