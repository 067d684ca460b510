import { parseAppConfig, type AppConfig } from '../core/app-config';
import { err, ok, type Result } from '../core/result';

/**
 * Fetches and validates `config.json` beside `index.html`; every failure becomes a sentence naming the file
 * and the fault. Aborting `signal` cancels the request (and the answer is then that it was cancelled).
 */
export const loadAppConfig = async (
  signal?: AbortSignal,
  url: URL = new URL('config.json', document.baseURI),
  fetchImpl: typeof fetch = fetch,
): Promise<Result<AppConfig>> => {
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-store', ...(signal ? { signal } : {}) });
  } catch {
    if (signal?.aborted) return err(`Loading ${url.pathname} was cancelled.`);
    return err(`Could not load ${url.pathname}: the network request failed.`);
  }
  if (!response.ok) return err(`Could not load ${url.pathname}: the server answered ${response.status}.`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return err(`${url.pathname} is not valid JSON.`);
  }
  const parsed = parseAppConfig(body);
  return parsed.ok ? ok(parsed.value) : err(`${url.pathname} is invalid: ${parsed.error}.`);
};
