// Live updates: server-sent events from /api/events, polling every 2 s when the stream fails, and
// the connection state the header shows (live, polling or offline).

import { onReachability } from './api.js';

const POLL_MILLIS = 2000;
const RETRY_STREAM_MILLIS = 30000;

const listeners = { traces: new Set(), metrics: new Set(), running: new Set() };
const stateListeners = new Set();
let state = 'connecting';
let source = null;
let pollTimer = null;
let retryTimer = null;
let opened = false;

/**
 * Calls fn on each update of a topic: 'traces' with {traceIds: [..]} (null when polling, as any
 * trace may have changed), 'metrics' with {}, 'running' with {} (what runs now may have changed).
 * Returns a function that unsubscribes.
 */
export function subscribe(topic, fn) {
  listeners[topic].add(fn);
  return () => listeners[topic].delete(fn);
}

/** Calls fn with the state now and on every change: 'connecting', 'live', 'polling', 'offline'. */
export function onState(fn) {
  stateListeners.add(fn);
  fn(state);
  return () => stateListeners.delete(fn);
}

function setState(next) {
  if (next === state) return;
  state = next;
  for (const fn of stateListeners) fn(state);
}

function emit(topic, data) {
  for (const fn of [...listeners[topic]]) {
    try {
      fn(data);
    } catch (e) {
      console.error(e);
    }
  }
}

/** Starts listening; call once. */
export function start() {
  onReachability((yes) => {
    if (state === 'live') return; // the stream's own error says when that ends
    if (!yes) setState('offline');
    else if (pollTimer !== null) setState('polling');
  });
  // A browser holds about six connections per host over HTTP/1.1, and each open stream is one:
  // a hidden tab or a page left (perhaps into the back-forward cache) gives its stream up.
  document.addEventListener('visibilitychange', () => (document.hidden ? suspend() : resume()));
  window.addEventListener('pagehide', suspend);
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) resume();
  });
  openStream();
}

function suspend() {
  stopPolling();
  if (source) {
    const stream = source;
    source = null;
    stream.close();
  }
}

function resume() {
  if (source || pollTimer !== null) return;
  opened = true; // what happened meanwhile is fetched when the stream opens
  openStream();
}

function openStream() {
  if (typeof EventSource !== 'function') {
    startPolling();
    return;
  }
  const stream = new EventSource('/api/events');
  source = stream;
  stream.addEventListener('open', () => {
    stopPolling();
    setState('live');
    // After a gap, things may have changed that no event announced.
    if (opened) {
      emit('traces', { traceIds: null });
      emit('metrics', {});
      emit('running', {});
    }
    opened = true;
  });
  stream.addEventListener('traces', (event) => emit('traces', parseTraceIds(event.data)));
  stream.addEventListener('metrics', () => emit('metrics', {}));
  stream.addEventListener('running', () => emit('running', {}));
  stream.addEventListener('error', () => {
    // The browser would reconnect on its own; the contract says poll instead, and try the stream
    // again now and then.
    stream.close();
    if (source !== stream) return; // suspended meanwhile
    source = null;
    startPolling();
  });
}

function parseTraceIds(data) {
  try {
    const parsed = JSON.parse(data);
    return { traceIds: Array.isArray(parsed.traceIds) ? parsed.traceIds.filter((id) => typeof id === 'string') : null };
  } catch (e) {
    return { traceIds: null };
  }
}

function startPolling() {
  if (pollTimer !== null) return;
  if (state === 'live' || state === 'connecting') setState('polling');
  pollTimer = setInterval(poll, POLL_MILLIS);
  retryTimer = setInterval(() => {
    if (source === null) openStream();
  }, RETRY_STREAM_MILLIS);
  poll();
}

function stopPolling() {
  clearInterval(pollTimer);
  clearInterval(retryTimer);
  pollTimer = null;
  retryTimer = null;
}

function poll() {
  emit('traces', { traceIds: null });
  emit('metrics', {});
  emit('running', {});
}

/**
 * Wraps an async refresh so that calls while one runs are folded into one more run after it:
 * no overlapping fetches, and the last trigger is never lost.
 */
export function coalesce(refresh) {
  let running = false;
  let again = false;
  return async function trigger() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        try {
          await refresh();
        } catch (e) {
          console.error(e);
        }
      } while (again);
    } finally {
      running = false;
    }
  };
}
