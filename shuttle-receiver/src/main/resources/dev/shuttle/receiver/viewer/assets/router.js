// Which view a location shows, and moving between views without reloading the page.

const listeners = new Set();

/** The route of a location: {view: 'list'|'trace'|'metrics'|'running'|'notfound', traceId?, spanId?, query}. */
export function parse(loc = window.location) {
  const query = new URLSearchParams(loc.search);
  const path = loc.pathname;
  if (path === '/') return { view: 'list', query };
  if (path === '/metrics' || path === '/metrics/') return { view: 'metrics', query };
  if (path === '/running' || path === '/running/') return { view: 'running', query };
  const match = /^\/trace\/([^/]+)\/?$/.exec(path);
  if (match) {
    let traceId;
    try {
      traceId = decodeURIComponent(match[1]).toLowerCase();
    } catch (e) {
      traceId = '';
    }
    return { view: 'trace', traceId, spanId: query.get('span'), query };
  }
  return { view: 'notfound', query };
}

/** Calls fn with the new route after every navigation (links, back and forward). */
export function onRoute(fn) {
  listeners.add(fn);
}

function notify() {
  const route = parse();
  for (const fn of listeners) fn(route);
}

/** Goes to an internal path (one that dom.link or ids.tracePath made). */
export function navigate(path, { replace = false } = {}) {
  const before = window.location.pathname;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  if (window.location.pathname !== before) window.scrollTo(0, 0);
  notify();
}

/**
 * Replaces the query of the current path (values encoded; empty ones left out), without a new
 * history entry and without re-rendering: for state the view already shows, such as its filters.
 */
export function replaceQuery(params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') query.set(key, String(value));
  }
  const search = query.size ? `?${query}` : '';
  history.replaceState(null, '', `${window.location.pathname}${search}`);
}

/** Starts routing: back/forward, and plain clicks on internal links (a[data-internal]). */
export function start() {
  window.addEventListener('popstate', notify);
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const a = event.target instanceof Element ? event.target.closest('a[data-internal]') : null;
    if (!a) return;
    event.preventDefault();
    navigate(a.getAttribute('href'));
  });
  notify();
}
