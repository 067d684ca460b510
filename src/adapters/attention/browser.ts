import type { AttentionPort } from './types';

const KEY = 'parley.notify-on-join';

/** Real attention: document.visibilityState, the Notification API, a WebAudio chime, localStorage. */
export const createBrowserAttention = (): AttentionPort => {
  let audio: AudioContext | null = null;
  return {
    isHidden: () => document.visibilityState === 'hidden',
    permission: () => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission),
    requestPermission: async () =>
      typeof Notification === 'undefined' ? 'unsupported' : Notification.requestPermission(),
    notify(title, body) {
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      try {
        // Clicking it brings the call's tab forward.
        new Notification(title, { body, tag: 'parley-join' }).onclick = () => window.focus();
      } catch {
        // Some browsers (Android Chrome) allow notifications only from a service worker: the chime still sounds.
      }
    },
    chime() {
      try {
        audio ??= new AudioContext();
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        const t = audio.currentTime;
        osc.frequency.setValueAtTime(880, t);
        osc.frequency.setValueAtTime(1320, t + 0.12);
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
        osc.connect(gain).connect(audio.destination);
        osc.start(t);
        osc.stop(t + 0.4);
      } catch {
        // No audio output: the notification is enough.
      }
    },
    loadOptIn: () => {
      try {
        return localStorage.getItem(KEY) === '1';
      } catch {
        return false;
      }
    },
    saveOptIn: (on) => {
      try {
        if (on) localStorage.setItem(KEY, '1');
        else localStorage.removeItem(KEY);
      } catch {
        // Storage unavailable: the choice holds for this page only.
      }
    },
  };
};
