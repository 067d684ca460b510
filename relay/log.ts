import { createHmac, randomBytes } from 'node:crypto';

/** Fields of one log record: never payloads, never clear IP addresses (use `hashIp`). */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Writes one JSON object per line. */
export type Logger = (event: string, fields?: LogFields) => void;

export const silentLogger: Logger = () => {};

/** A logger writing `{"time":…,"event":…,…}` lines to `write`. */
export const createJsonLogger =
  (write: (line: string) => void): Logger =>
  (event, fields = {}) => {
    write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
  };

/**
 * Keyed hash of an IP address with a per-process random key: lines of one process can be
 * correlated ("the same client again") but the address cannot be recovered or matched across restarts.
 */
export const createIpHasher =
  (key: Uint8Array = randomBytes(32)): ((ip: string) => string) =>
  (ip) =>
    createHmac('sha256', key).update(ip).digest('hex').slice(0, 16);
