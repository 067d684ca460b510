import type { Strategy } from '../../core/app-config';
import {
  diagnosisUrl,
  diagnosisVerdict,
  probeQuestion,
  readDiagnosis,
  readReply,
  waitingProblem,
  type RelayVerdict,
} from '../../core/relay-probe';

/** How long a refused relay's diagnosis socket may take at most. */
const DIAGNOSIS_TIMEOUT_MS = 3000;

/**
 * Opens `url`, resolving with what it said (`on` gets each frame and says when it is enough), with
 * `closed(opened)` when it ends first, or with `late(opened)` after `timeoutMs`. Always closes it.
 */
const talk = (
  url: string,
  timeoutMs: number,
  on: { open?: (socket: WebSocket) => void; frame: (data: unknown) => RelayVerdict | null },
  closed: (opened: boolean) => Promise<RelayVerdict> | RelayVerdict,
  late: (opened: boolean) => RelayVerdict,
): Promise<RelayVerdict> =>
  new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      resolve({ kind: 'no-websocket' });
      return;
    }
    let opened = false;
    const done = (v: RelayVerdict | Promise<RelayVerdict>) => {
      clearTimeout(timer);
      socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
      socket.close();
      resolve(v);
    };
    const timer = setTimeout(() => done(late(opened)), timeoutMs);
    socket.onopen = () => {
      opened = true;
      on.open?.(socket);
    };
    socket.onmessage = (e) => {
      const v = on.frame(e.data);
      if (v !== null) done(v);
    };
    socket.onerror = socket.onclose = () => done(closed(opened));
  });

/** Asks a Parley relay why our WebSocket failed; anything else (a third-party relay, nothing) says no more than "no WebSocket". */
const diagnose = (url: string, strategy: Strategy): Promise<RelayVerdict> => {
  const protocol = strategy === 'torrent' ? 'tracker' : 'nostr';
  return talk(
    diagnosisUrl(url),
    DIAGNOSIS_TIMEOUT_MS,
    { frame: (data) => diagnosisVerdict(readDiagnosis(data), protocol) },
    () => ({ kind: 'no-websocket' }),
    () => ({ kind: 'no-websocket' }),
  );
};

/**
 * Speaks the relay's protocol (core/relay-probe.ts): one question, the verdict from its answer. A
 * socket that never opens is asked about through the relay's diagnosis socket, the only way a page
 * can learn why an upgrade was refused.
 */
export const probeRelay = (url: string, strategy: Strategy, timeoutMs: number): Promise<RelayVerdict> => {
  const question = probeQuestion(strategy, crypto.getRandomValues(new Uint8Array(20)), Math.floor(Date.now() / 1000));
  return talk(
    url,
    timeoutMs,
    { open: (socket) => socket.send(question.frame), frame: (data) => readReply(question, data) },
    (opened) => (opened ? { kind: 'hung-up' } : diagnose(url, strategy)),
    (opened) => (opened ? { kind: 'silent' } : { kind: 'no-websocket' }),
  );
};

/** Probes every relay: why the other person cannot reach this page (worded by the UI), or null when a relay works. */
export const whyNobodyCanReach = async (urls: readonly string[], strategy: Strategy, timeoutMs: number) =>
  waitingProblem(await Promise.all(urls.map((url) => probeRelay(url, strategy, timeoutMs))), location.origin);
