// The viewer's HTTP API (docs/viewer-api.md): JSON over GET, nothing else.

import { isTraceId } from './ids.js';

/** An answer other than 2xx, or a body that is not the JSON expected. */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

const reachability = new Set();

/** Calls fn(true) after each answer from the server and fn(false) after each network failure. */
export function onReachability(fn) {
  reachability.add(fn);
  return () => reachability.delete(fn);
}

function reachable(yes) {
  for (const fn of reachability) fn(yes);
}

/** GETs path with query params (values encoded; empty ones left out) and parses the JSON. */
export async function getJson(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') query.set(key, String(value));
  }
  const url = query.size ? `${path}?${query}` : path;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (e) {
    reachable(false);
    throw new ApiError('the receiver does not answer', 0);
  }
  reachable(true);
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const detail = body && typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    throw new ApiError(detail, response.status);
  }
  if (body === null || typeof body !== 'object') throw new ApiError('the answer is not JSON', response.status);
  return body;
}

/** GET /api/traces with the list's filters ({service, name, status, minDurationMs, attr}). */
export function traces(filters) {
  return getJson('/api/traces', filters);
}

/** GET /api/traces/{traceId}; the id must be valid hex. */
export function trace(traceId) {
  if (!isTraceId(traceId)) return Promise.reject(new ApiError('not a trace id', 400));
  return getJson(`/api/traces/${encodeURIComponent(traceId)}`);
}

/** GET /api/running: what each process reported running in its last round of the live view. */
export function running() {
  return getJson('/api/running');
}

/** GET /api/metrics. */
export function metrics() {
  return getJson('/api/metrics');
}

/** GET /api/metrics/series for one instrument of one service. */
export function series(name, service) {
  return getJson('/api/metrics/series', { name, service });
}
