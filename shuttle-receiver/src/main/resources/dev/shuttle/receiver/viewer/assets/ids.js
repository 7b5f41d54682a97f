// Trace and span ids, checked before they become part of a URL.

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

export function isTraceId(value) {
  return typeof value === 'string' && TRACE_ID.test(value);
}

export function isSpanId(value) {
  return typeof value === 'string' && SPAN_ID.test(value);
}

/** The viewer path of a trace (and a span in it), or null when an id is not valid hex. */
export function tracePath(traceId, spanId = null) {
  if (!isTraceId(traceId)) return null;
  const path = `/trace/${encodeURIComponent(traceId)}`;
  if (spanId === null || spanId === undefined) return path;
  if (!isSpanId(spanId)) return null;
  return `${path}?span=${encodeURIComponent(spanId)}`;
}

/** The first characters of an id, for display where the full id is in the title. */
export function shortId(id) {
  return String(id).slice(0, 8);
}
