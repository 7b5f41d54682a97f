// The live view's page (/running): what each Shuttle process reported running in its last round,
// grouped by process then owner, with how long each blocked goroutine has waited (ticking).

import { h, link, clear } from './dom.js';
import * as api from './api.js';
import { subscribe, coalesce } from './live.js';
import { tracePath, isSpanId, shortId } from './ids.js';
import * as fmt from './format.js';

const TICK_MILLIS = 1000;
const REFRESH_MILLIS = 5000; // also without events: processes that went silent disappear

function finite(x) {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

function text(x) {
  return typeof x === 'string' ? x : '';
}

/** How long a goroutine has waited now: as of its round, plus the time since the round arrived. */
export function blockedForNow(goroutine, receivedUnixMillis, nowMillis = Date.now()) {
  if (goroutine.state !== 'blocked') return null;
  const atRound = finite(goroutine.blockedForNanos);
  const since = Math.max(0, nowMillis - finite(receivedUnixMillis)) * 1e6;
  return atRound + since;
}

/** What a goroutine does, in words: "running", or what it waits on. */
export function doing(goroutine) {
  if (goroutine.state !== 'blocked') return text(goroutine.state) || 'running';
  const what = text(goroutine.blockedOn) || text(goroutine.blockedOnKind);
  return what ? `blocked on ${what}` : 'blocked';
}

/** Mounts the page in container; returns {update(route), destroy()}. */
export function mountRunning(container) {
  document.title = 'Running now · Shuttle';
  let ticking = []; // {cell, goroutine, received}: the blocked-for cells to tick

  const summary = h('p', { class: 'list-summary', testid: 'running-summary', attrs: { 'aria-live': 'polite' } });
  const problem = h('p', { class: 'problem', testid: 'running-error', attrs: { role: 'alert', hidden: true } });
  const processes = h('div', { class: 'running-processes' });
  const empty = h(
    'div',
    { class: 'empty', testid: 'running-empty', attrs: { hidden: true } },
    h('p', { text: 'No process reports what it runs now.' }),
    h('p', {
      class: 'muted',
      text: 'A Shuttle process reports its goroutines here when started with -Dshuttle.goroutines.liveExport=1s (or Goroutines.exportLive) and an OTLP logs exporter pointed at this receiver.',
    }),
  );
  container.append(h('section', { class: 'running-view', testid: 'running-view' }, h('h1', { text: 'Running now' }), summary, problem, processes, empty));

  function tick() {
    const now = Date.now();
    for (const t of ticking) {
      const ns = blockedForNow(t.goroutine, t.received, now);
      t.cell.textContent = ns === null ? '' : fmt.duration(ns);
    }
  }

  function row(g, received) {
    const traceId = text(g.traceId);
    const spanId = isSpanId(g.spanId) ? g.spanId : null;
    const path = tracePath(traceId, spanId);
    const name = text(g.name) || '(unnamed)';
    const blockedFor = h('td', { class: 'num col-blocked-for', testid: 'blocked-for' });
    ticking.push({ cell: blockedFor, goroutine: g, received });
    const spanName = text(g.spanName);
    return h(
      'tr',
      { testid: 'running-row', class: g.state === 'blocked' && 'is-blocked', dataset: { goroutineId: finite(g.id), traceId: traceId || null, state: text(g.state) } },
      h('td', { class: 'col-goroutine' }, h('span', { class: 'goroutine-id', text: `#${finite(g.id)}` }), ' ', h('span', { text: name, attrs: { title: text(g.body) } }),
        spanName && h('span', { class: 'muted', text: ` in span ${spanName}` })),
      h('td', { class: 'col-doing', testid: 'running-doing' },
        h('span', { class: ['state', g.state === 'blocked' ? 'blocked' : 'running'], text: g.state === 'blocked' ? 'blocked' : text(g.state) || 'running' }),
        g.state === 'blocked' && (text(g.blockedOn) || text(g.blockedOnKind)) && h('span', { text: ` on ${text(g.blockedOn) || text(g.blockedOnKind)}` })),
      blockedFor,
      h('td', { class: 'col-trace' }, path ? link(path, { testid: 'running-trace-link', attrs: { title: traceId } }, shortId(traceId)) : h('span', { class: 'muted', text: 'untraced' })),
    );
  }

  function processSection(p) {
    const goroutines = Array.isArray(p.goroutines) ? p.goroutines.filter((g) => g && typeof g === 'object') : [];
    const received = finite(p.receivedUnixMillis);
    const byOwner = new Map();
    for (const g of goroutines) {
      const owner = text(g.owner) || '(no owner)';
      if (!byOwner.has(owner)) byOwner.set(owner, []);
      byOwner.get(owner).push(g);
    }
    const bodies = [];
    for (const [owner, list] of byOwner) {
      bodies.push(
        h('tbody', { class: 'owner-group', testid: 'running-owner', dataset: { owner } },
          h('tr', { class: 'owner-row' }, h('th', { attrs: { colspan: '4', scope: 'rowgroup' } }, h('span', { text: owner }), h('span', { class: 'muted', text: ` ${list.length}` }))),
          list.map((g) => row(g, received))),
      );
    }
    const instance = text(p.instanceId);
    const blocked = goroutines.filter((g) => g.state === 'blocked').length;
    const head = h(
      'h2',
      { class: 'process-head' },
      h('span', { class: 'process-service', testid: 'running-service', text: text(p.service) }),
      instance && h('span', { class: 'muted', text: ` ${instance}` }),
      h('span', { class: 'process-meta', text: ` round ${finite(p.round)} · ${goroutines.length} ${goroutines.length === 1 ? 'goroutine' : 'goroutines'}, ${blocked} blocked · at ${fmt.time(p.roundUnixMillis)}` }),
      p.complete === false && h('span', { class: 'incomplete', testid: 'running-incomplete', text: 'incomplete', attrs: { title: `The round reported ${finite(p.expectedCount)} goroutines; ${goroutines.length} arrived and were kept` } }),
    );
    const table = h(
      'table',
      { class: ['traces', 'running'], testid: 'running-table' },
      h('thead', {}, h('tr', {},
        h('th', { attrs: { scope: 'col' }, text: 'Goroutine' }),
        h('th', { attrs: { scope: 'col' }, text: 'State / waits on' }),
        h('th', { attrs: { scope: 'col' }, class: 'num', text: 'Blocked for' }),
        h('th', { attrs: { scope: 'col' }, text: 'Trace' }))),
      bodies,
    );
    const omitted = finite(p.omittedGoroutines);
    return h('section', { class: 'process', testid: 'running-process', dataset: { service: text(p.service) } }, head,
      goroutines.length > 0 ? table : h('p', { class: 'muted', text: 'No goroutines in its last round.' }),
      omitted > 0 && h('p', { class: 'muted', text: `${fmt.count(omitted)} more not shown` }));
  }

  function show(data) {
    const list = Array.isArray(data.processes) ? data.processes.filter((p) => p && typeof p === 'object') : [];
    ticking = [];
    processes.replaceChildren(...list.map(processSection));
    const count = list.reduce((n, p) => n + (Array.isArray(p.goroutines) ? p.goroutines.length : 0), 0);
    summary.textContent = `${list.length} ${list.length === 1 ? 'process' : 'processes'}, ${fmt.count(count)} ${count === 1 ? 'goroutine' : 'goroutines'}`;
    empty.hidden = list.length > 0;
    tick();
  }

  const refresh = coalesce(async () => {
    try {
      const data = await api.running();
      problem.hidden = true;
      show(data);
    } catch (e) {
      problem.textContent = `Could not load what runs now: ${e.message}`;
      problem.hidden = false;
    }
  });

  const unsubscribe = subscribe('running', () => refresh());
  const ticker = setInterval(tick, TICK_MILLIS);
  const refresher = setInterval(refresh, REFRESH_MILLIS);
  refresh();

  return {
    update() {},
    destroy() {
      unsubscribe();
      clearInterval(ticker);
      clearInterval(refresher);
      clear(container);
    },
  };
}
