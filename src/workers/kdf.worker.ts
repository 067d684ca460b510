// Runs scrypt off the main thread: N=2^17 takes about a second, which would freeze the page.
import { scrypt } from '@noble/hashes/scrypt.js';
import { parseKdfRequest, type KdfResponse } from '../core/kdf-protocol';
import { errorDetail } from '../core/error-detail';

addEventListener('message', (event: MessageEvent<unknown>) => {
  const request = parseKdfRequest(event.data);
  if (!request) return;
  let response: KdfResponse;
  try {
    const key = scrypt(request.password, request.salt, {
      N: request.N,
      r: request.r,
      p: request.p,
      dkLen: request.dkLen,
    });
    response = { id: request.id, ok: true, key };
  } catch (e) {
    response = { id: request.id, ok: false, error: errorDetail(e) };
  }
  request.password.fill(0);
  postMessage(response);
});
