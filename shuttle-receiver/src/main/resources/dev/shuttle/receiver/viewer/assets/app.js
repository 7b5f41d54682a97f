// The viewer's entry point: header, connection state, and the view for the current path.

import * as router from './router.js';
import * as live from './live.js';
import { h, link, clear } from './dom.js';
import { mountList } from './list.js';
import { mountTrace } from './waterfall.js';
import { mountMetrics } from './metrics.js';
import { mountRunning } from './running.js';

const main = document.getElementById('view');
let current = null; // {key, view}: the mounted view, which has update(route) and destroy()

const STATES = {
  connecting: ['connecting…', 'Connecting to the receiver'],
  live: ['live', 'Updates arrive as the receiver gets data (server-sent events)'],
  polling: ['polling', 'The event stream is unavailable: asking the receiver every 2 s'],
  offline: ['offline', 'The receiver does not answer; what you see may be out of date'],
};

function showConnection(state) {
  const badge = document.getElementById('connection');
  const [text, title] = STATES[state] ?? [state, ''];
  badge.dataset.state = state;
  badge.textContent = text;
  badge.title = title;
}

function markNav(view) {
  for (const a of document.querySelectorAll('header nav a')) {
    const active = a.dataset.view === view || (view === 'trace' && a.dataset.view === 'list');
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function notFound() {
  document.title = 'Not found · Shuttle';
  const section = h(
    'section',
    { class: 'message-view' },
    h('h1', { text: 'Nothing here' }),
    h('p', {}, 'This address is not a page of the viewer. ', link('/', {}, 'See the traces'), '.'),
  );
  main.append(section);
  return { update() {}, destroy() {} };
}

function render(route) {
  const key = route.view === 'trace' ? `trace:${route.traceId}` : route.view;
  markNav(route.view);
  if (current && current.key === key) {
    current.view.update(route);
    return;
  }
  if (current) current.view.destroy();
  clear(main);
  const mount = { list: mountList, trace: mountTrace, metrics: mountMetrics, running: mountRunning }[route.view] ?? notFound;
  current = { key, view: mount(main, route) };
}

live.onState(showConnection);
router.onRoute(render);
live.start();
router.start();
