import { createHmac } from 'node:crypto';

/** An ICE server entry with short-lived TURN credentials. */
export interface TurnServer {
  urls: string[];
  username: string;
  credential: string;
}

/**
 * The coturn REST API shared-secret scheme (`use-auth-secret` / `static-auth-secret`, from
 * draft-uberti-behave-turn-rest-00 §2.2): username = `<expiry-unix>:<name>`,
 * credential = base64(HMAC-SHA1(secret, username)).
 */
export const turnCredentials = (
  secret: Uint8Array,
  urls: readonly string[],
  nowUnix: number,
  ttlSeconds: number,
  name = 'parley',
): TurnServer => {
  const username = `${nowUnix + ttlSeconds}:${name}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { urls: [...urls], username, credential };
};
