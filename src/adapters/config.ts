import { parseAppConfig, type AppConfig, type ConfigProblem } from '../core/app-config';
import { err, ok, type Result } from '../core/result';

/**
 * Fetches and validates `config.json` beside `index.html`; every failure becomes a typed problem naming the
 * file and the fault (the UI words it). Aborting `signal` cancels the request (and the answer is then that it was cancelled).
 */
export const loadAppConfig = async (
  signal?: AbortSignal,
  url: URL = new URL('config.json', document.baseURI),
  fetchImpl: typeof fetch = fetch,
): Promise<Result<AppConfig, ConfigProblem>> => {
  const path = url.pathname;
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-store', ...(signal ? { signal } : {}) });
  } catch {
    if (signal?.aborted) return err({ kind: 'cancelled', path });
    return err({ kind: 'network', path });
  }
  if (!response.ok) return err({ kind: 'status', path, status: response.status });
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return err({ kind: 'not-json', path });
  }
  const parsed = parseAppConfig(body);
  return parsed.ok ? ok(parsed.value) : err({ kind: 'invalid', path, detail: parsed.error });
};
