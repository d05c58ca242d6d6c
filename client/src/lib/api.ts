import type { ApiError, Result } from '../../../shared/errors.js';

/** Fetches JSON from our API; network failures become an error value, never a throw. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; text?: string } = {}): Promise<Result<T>> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  } else if (init.text !== undefined) {
    headers['content-type'] = 'text/csv';
    body = init.text;
  }
  let response: Response;
  try {
    response = await fetch(path, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, credentials: 'same-origin' });
  } catch {
    return { ok: false, error: { code: 'UPSTREAM_UNAVAILABLE', message: 'network' } };
  }
  if (response.status === 204) return { ok: true, data: undefined as T };
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data: json as T };
  const error = (json as { error?: ApiError } | null)?.error ?? { code: 'INTERNAL', message: response.statusText };
  return { ok: false, error };
}
