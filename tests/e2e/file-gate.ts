// Instruments for tests that watch a file transfer in real Chromium (file-transfer.spec.ts, and the
// "transfer in progress" visual baseline): a gate on the outgoing file channel the test controls,
// and every progress value the page showed.
import type { BrowserContext } from '@playwright/test';

export interface Gate {
  limit: number;
  sent: number;
  held: Array<[RTCDataChannel, unknown]>;
}
export interface FileTestWindow {
  __fileChannels: RTCDataChannel[];
  __gate: Gate | null;
  __progress: number[];
}

/**
 * Installed before the app loads, on both people's pages:
 * - no File System Access, so a received file becomes a download Playwright can catch (the disk
 *   path opens a save picker);
 * - the file channels the app opens are recorded (the hostile test speaks on its own page's);
 * - a gate on the outgoing file channel, a slow network the test controls: it lets `limit` chunks
 *   through and holds every frame after them, so a cancel lands mid-way every time;
 * - every progress value shown is recorded, to prove both sides saw the transfer under way.
 */
const instrument = () => {
  const w = window as unknown as FileTestWindow;
  Object.defineProperty(window, 'showSaveFilePicker', { value: undefined, configurable: true });
  w.__fileChannels = [];
  w.__gate = null;
  w.__progress = [];
  const create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (label: string, init?: RTCDataChannelInit) {
    const channel = create.call(this, label, init);
    if (label === 'parley-file') w.__fileChannels.push(channel);
    return channel;
  };
  const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
    const gate = w.__gate;
    if (this.label === 'parley-file' && gate) {
      // Past the limit every frame waits, in order, as on a congested link.
      if (gate.sent >= gate.limit) {
        gate.held.push([this, data]);
        return;
      }
      if (typeof data !== 'string') gate.sent++;
    }
    send.call(this, data);
  } as RTCDataChannel['send'];
  new MutationObserver(() => {
    for (const p of document.querySelectorAll<HTMLProgressElement>('[data-testid="file-progress"]'))
      w.__progress.push(p.value);
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

export const withInstruments = async (context: BrowserContext) => {
  await context.addInitScript(instrument);
};
