// The trace view (/trace/<id>): spans as bars on a shared time axis, nested by depth or grouped
// by lane, with the concurrency insight (insight.js) and the details of the selected span; and
// open-ended bars, ending now, for goroutines of the live view still running in the trace.

import { h, link, clear } from './dom.js';
import * as api from './api.js';
import { subscribe, coalesce } from './live.js';
import { isTraceId, isSpanId } from './ids.js';
import * as fmt from './format.js';
import { replaceQuery } from './router.js';
import { lastListPath } from './list.js';
import { markCritical, queueWait, parallelism, criticalPathSummary, laneBlocks } from './insight.js';
import { spanDetails } from './details.js';
import { doing, blockedForNow } from './running.js';

const SERVICE_COLOURS = 8;
const RUNNING_TICK_MILLIS = 1000;
const MAX_INDENT = 24;
let groupByLane = false; // kept while the page is open, from one trace to the next

function finite(x) {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

/** The spans of an answer, with their numbers made safe to compute with. */
function cleanSpans(trace) {
  const spans = Array.isArray(trace.spans) ? trace.spans : [];
  return spans
    .filter((s) => s && typeof s.spanId === 'string')
    .map((s) => ({ ...s, startOffsetNanos: finite(s.startOffsetNanos), durationNanos: Math.max(0, finite(s.durationNanos)), depth: Math.max(0, finite(s.depth)) }));
}

/** The goroutines of an answer still running in the trace, with their numbers made safe. */
function cleanRunning(trace) {
  const running = Array.isArray(trace.running) ? trace.running : [];
  return running
    .filter((g) => g && typeof g === 'object')
    .map((g) => ({ ...g, id: finite(g.id), startOffsetNanos: finite(g.startOffsetNanos), receivedUnixMillis: finite(g.receivedUnixMillis) }));
}

/**
 * Maps nanoseconds since the trace's start to percent of the track; the axis includes queue waits,
 * and reaches endNanos (now, when goroutines still run) if given.
 */
export function scaleOf(durationNanos, spans, endNanos = 0) {
  let t0 = 0;
  let t1 = Math.max(finite(durationNanos), finite(endNanos));
  for (const s of spans) {
    if (typeof s.queueWaitNanos === 'number' && s.queueWaitNanos > 0) t0 = Math.min(t0, s.startOffsetNanos - s.queueWaitNanos);
    t1 = Math.max(t1, s.startOffsetNanos + s.durationNanos);
  }
  const range = t1 - t0 || 1;
  const pct = (ns) => ((ns - t0) / range) * 100;
  return {
    t0,
    t1,
    pct,
    place(el, start, length) {
      el.style.left = `${pct(start)}%`;
      el.style.width = `${(Math.max(0, length) / range) * 100}%`;
    },
  };
}

/** Tick positions for an axis from t0 to t1: steps of 1, 2 or 5 times a power of ten. */
export function ticks(t0, t1, about = 6) {
  const range = t1 - t0;
  if (!(range > 0)) return [0];
  const raw = range / about;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1 + step * 1e-9; t += step) out.push(Math.round(t / step) * step);
  return out;
}

function serviceClass(service) {
  let hash = 0;
  for (const ch of String(service)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `svc-${hash % SERVICE_COLOURS}`;
}

/** Mounts the trace view in container; returns {update(route), destroy()}. */
export function mountTrace(container, route) {
  const traceId = route.traceId;
  let selectedId = route.spanId ?? null;
  let trace = null;
  let spans = [];
  let spansById = new Map();
  let childCounts = new Map(); // spanId -> how many children it has in this trace
  let laneLabels = new Map();
  let lastText = null;
  let bars = new Map(); // spanId -> bar element, as drawn now
  let notes = []; // the notes next to the bars drawn now, for placeNotes
  let order = []; // span ids in the order drawn, for the arrow keys
  let firstDraw = true;
  let running = []; // goroutines still running in this trace whose own span has not arrived
  let runningTimer = null; // redraws the open-ended bars as time passes

  const view = h('section', { class: 'trace-view', testid: 'trace-view' });
  container.append(view);
  document.title = 'Trace · Shuttle';
  if (!isTraceId(traceId)) {
    view.append(
      h('p', { class: 'crumbs' }, link(lastListPath(), {}, '← Traces')),
      h('h1', { text: 'Not a trace id' }),
      h('p', { testid: 'trace-missing', text: 'A trace id is 32 hexadecimal characters.' }),
    );
    return { update() {}, destroy: () => clear(container) };
  }

  const head = h('div', { class: 'trace-head' }, h('p', { class: 'crumbs' }, link(lastListPath(), {}, '← Traces')), h('h1', { text: traceId }));
  const problem = h('p', { class: 'problem', testid: 'trace-error', attrs: { role: 'alert', hidden: true } });
  const laneToggle = h('input', { testid: 'lane-toggle', attrs: { type: 'checkbox' } });
  const laneCount = h('span', { class: 'muted' });
  const toolbar = h(
    'div',
    { class: 'toolbar', attrs: { hidden: true } },
    h('label', { class: 'toggle' }, laneToggle, h('span', { text: 'Group by lane' }), laneCount),
    h(
      'ul',
      { class: 'legend', attrs: { 'aria-label': 'Legend' } },
      h('li', {}, h('span', { class: 'swatch critical' }), 'critical path'),
      h('li', {}, h('span', { class: 'swatch wait' }), 'queue wait'),
      h('li', {}, h('span', { class: 'swatch error' }), 'error'),
      h('li', {}, h('span', { class: 'swatch event' }), 'event'),
      h('li', {}, h('span', { class: 'swatch running' }), 'still running'),
    ),
  );
  const chartHost = h('div', { class: 'chart-host' });
  const detailsHost = h('div', { class: 'details-host' });
  const body = h('div', { class: 'trace-body' }, chartHost, detailsHost);
  view.append(head, problem, toolbar, body);

  laneToggle.addEventListener('change', () => {
    groupByLane = laneToggle.checked;
    drawChart();
  });

  function select(spanId, { scroll = false, writeUrl = true } = {}) {
    selectedId = spanId && spansById.has(spanId) ? spanId : null;
    if (writeUrl) replaceQuery(selectedId ? { span: selectedId } : {});
    showSelection(scroll);
    drawDetails();
  }

  function showSelection(scroll) {
    for (const [id, bar] of bars) {
      const on = id === selectedId;
      bar.classList.toggle('selected', on);
      bar.setAttribute('aria-pressed', String(on));
      bar.closest('.wf-row')?.classList.toggle('selected', on);
    }
    const bar = bars.get(selectedId);
    if (scroll && bar) bar.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  function drawDetails() {
    const span = spansById.get(selectedId);
    body.classList.toggle('with-details', Boolean(span));
    if (!span) {
      clear(detailsHost);
      return;
    }
    detailsHost.replaceChildren(
      spanDetails(span, { trace, spansById, laneLabels, onSelect: (id) => select(id, { scroll: true }), onClose: () => select(null) }),
    );
  }

  function drawHead() {
    const root = spans.find((s) => s.depth === 0 && !s.parentMissing) ?? spans[0];
    const firstRunning = running[0];
    const name = root ? root.name || '(unnamed)' : firstRunning ? `${firstRunning.spanName || firstRunning.name || 'goroutine'} (running)` : '(no spans)';
    document.title = `${name} · Shuttle`;
    const services = Array.isArray(trace.services) ? trace.services : [];
    const meta = h('dl', { class: 'meta' });
    const item = (term, ...value) => meta.append(h('div', {}, h('dt', { text: term }), h('dd', {}, ...value)));
    item('Trace', h('code', { text: trace.traceId ?? traceId }));
    item('Started', h('span', { text: fmt.time(trace.startUnixMillis), attrs: { title: fmt.isoTime(trace.startUnixMillis) } }));
    item('Duration', h('span', { testid: 'trace-duration', text: fmt.duration(trace.durationNanos) }));
    item('Spans', fmt.count(spans.length));
    if (running.length > 0) item('Running now', h('span', { testid: 'trace-running-count', text: `${running.length} ${running.length === 1 ? 'goroutine' : 'goroutines'}` }));
    item(services.length === 1 ? 'Service' : 'Services', services.join(', '));
    head.replaceChildren(
      h('p', { class: 'crumbs' }, link(lastListPath(), {}, '← Traces')),
      h('h1', { testid: 'trace-title', text: name, attrs: { title: name } }),
      meta,
      criticalPathSummary(trace, spansById, (id) => select(id, { scroll: true })),
    );
  }

  function bar(span, scale, { inner = false } = {}) {
    const name = span.name || '(unnamed)';
    const wait = typeof span.queueWaitNanos === 'number' && span.queueWaitNanos > 0 ? `, after ${fmt.duration(span.queueWaitNanos)} in the queue` : '';
    const b = h('div', {
      class: ['wf-bar', serviceClass(span.service), span.status?.code === 'ERROR' && 'error'],
      testid: 'span-bar',
      dataset: { spanId: span.spanId, depth: span.depth, lane: span.lane ?? null },
      attrs: { role: 'button', tabindex: '0', 'aria-pressed': 'false', 'aria-label': `${name}, ${fmt.duration(span.durationNanos)}`, title: `${name}: ${fmt.duration(span.durationNanos)}${wait}` },
    });
    scale.place(b, span.startOffsetNanos, span.durationNanos);
    markCritical(b, span);
    for (const event of Array.isArray(span.events) ? span.events : []) {
      const at = span.durationNanos > 0 ? ((finite(event.offsetNanos) - span.startOffsetNanos) / span.durationNanos) * 100 : 0;
      const mark = h('span', { class: 'wf-event', attrs: { title: `${event.name ?? ''} at +${fmt.duration(finite(event.offsetNanos) - span.startOffsetNanos)}` } });
      mark.style.left = `${Math.min(100, Math.max(0, at))}%`;
      b.append(mark);
    }
    if (inner) b.append(h('span', { class: 'wf-bar-text', text: name }));
    b.addEventListener('click', (event) => {
      event.stopPropagation();
      select(span.spanId);
    });
    b.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select(span.spanId);
      }
    });
    bars.set(span.spanId, b);
    order.push(span.spanId);
    return b;
  }

  /** The duration and parallelism of a bar's span; placeNotes puts it next to the bar. */
  function note(span, scale) {
    const el = h('span', { class: 'wf-note' }, h('span', { class: 'wf-dur', text: fmt.duration(span.durationNanos) }),
      // one child cannot run in parallel with a sibling: its factor (at most ×1) is in the details only
      (childCounts.get(span.spanId) ?? 0) >= 2 && parallelism(span, spansById, (id) => select(id, { scroll: true })));
    const wait = typeof span.queueWaitNanos === 'number' && span.queueWaitNanos > 0 ? span.queueWaitNanos : 0;
    const end = scale.pct(span.startOffsetNanos + span.durationNanos);
    el.style.left = `${end}%`;
    notes.push({ el, before: scale.pct(span.startOffsetNanos - wait), start: scale.pct(span.startOffsetNanos), end });
    return el;
  }

  /**
   * Puts each note after its bar if it fits there, else before it (and its queue wait), else
   * inside the bar's right end if the bar is wide enough, else on the side with more room. Reads
   * every width first, then writes: one layout for the whole chart.
   */
  function placeNotes() {
    const track = chartHost.querySelector('.wf-row .wf-track');
    if (!track || notes.length === 0) return;
    const width = track.clientWidth || 1;
    const slack = (parseFloat(getComputedStyle(track).marginRight) || 0) / width * 100; // room right of the axis
    const sizes = notes.map((n) => (n.el.offsetWidth / width) * 100);
    notes.forEach((n, i) => {
      const w = sizes[i];
      const after = 100 + slack - n.end;
      const place = w <= after ? 'after' : w <= n.before ? 'before' : w <= n.end - n.start ? 'inside' : after >= n.before ? 'after' : 'before';
      n.el.classList.remove('before', 'inside');
      n.el.style.left = '';
      n.el.style.right = '';
      if (place === 'after') n.el.style.left = `${n.end}%`;
      else if (place === 'before') n.el.style.right = `${100 - n.before}%`;
      else n.el.style.right = `${100 - n.end}%`;
      if (place !== 'after') n.el.classList.add(place);
    });
  }

  function spanRow(span, scale) {
    const parent = span.parentSpanId ? spansById.get(span.parentSpanId) : null;
    const label = h(
      'div',
      { class: 'wf-label' },
      span.parentMissing && h('span', { class: 'orphan', text: '⤴ ', attrs: { title: 'Its parent span was not received' } }),
      h('span', { class: 'wf-name', text: span.name || '(unnamed)', attrs: { title: span.name ?? '' } }),
      (!parent || parent.service !== span.service) && h('span', { class: 'wf-service', text: span.service ?? '' }),
    );
    label.style.paddingLeft = `${0.5 + Math.min(span.depth, MAX_INDENT) * 1.1}rem`;
    const track = h('div', { class: 'wf-track' }, queueWait(span, scale), bar(span, scale), note(span, scale));
    const row = h('div', { class: ['wf-row', span.onCriticalPath && 'on-path'], testid: 'span-row', dataset: { spanId: span.spanId, depth: span.depth } }, label, track);
    row.addEventListener('click', () => select(span.spanId));
    return row;
  }

  /** Now, in nanoseconds since the trace's start. */
  function nowOffset() {
    return (Date.now() - finite(trace.startUnixMillis)) * 1e6;
  }

  /**
   * A goroutine still running: an open-ended bar from its start to now, labelled with its own
   * span's name (or its name) and what it waits on.
   */
  function runningRow(g, scale, depth) {
    const label = g.spanName || g.name || 'goroutine';
    // the scale ends at the "now" taken when the chart was drawn; a later now would overrun it
    const now = Math.min(nowOffset(), scale.t1);
    const forNs = Math.max(0, now - g.startOffsetNanos);
    const waits = doing(g);
    const blockedFor = blockedForNow(g, g.receivedUnixMillis);
    const title = `${label}: goroutine #${g.id} ${g.name ?? ''}, ${waits}${blockedFor === null ? '' : ` for ${fmt.duration(blockedFor)}`}, running for ${fmt.duration(forNs)}`;
    const b = h('div', {
      class: ['wf-bar', 'running-bar', serviceClass(g.service)],
      testid: 'running-bar',
      dataset: { goroutineId: g.id, spanId: g.spanId ?? null, parentSpanId: g.placedUnderSpanId ?? null },
      attrs: { role: 'img', 'aria-label': title, title },
    });
    scale.place(b, g.startOffsetNanos, forNs);
    const noteEl = h('span', { class: ['wf-note', 'running-note'], testid: 'running-note' },
      h('span', { class: 'wf-dur', text: waits }),
      blockedFor !== null && h('span', { class: 'muted', text: fmt.duration(blockedFor) }));
    noteEl.style.right = `${Math.max(0, 100 - scale.pct(now))}%`; // inside the bar's open end
    const nameEl = h('span', { class: 'wf-name', text: label, attrs: { title: label } });
    const labelEl = h('div', { class: 'wf-label' }, h('span', { class: 'running-mark', text: '▶', attrs: { title: 'Still running' } }), nameEl);
    labelEl.style.paddingLeft = `${0.5 + Math.min(depth, MAX_INDENT) * 1.1}rem`;
    return h('div', { class: ['wf-row', 'running-row'], testid: 'running-span-row', dataset: { goroutineId: g.id, depth } }, labelEl, h('div', { class: 'wf-track' }, b, noteEl));
  }

  /** The rows of the tree, each running goroutine after the subtree of the span it is under. */
  function treeRows(scale) {
    const under = new Map();
    const loose = [];
    for (const g of running) {
      const parent = typeof g.placedUnderSpanId === 'string' ? g.placedUnderSpanId : null;
      if (parent && spansById.has(parent)) {
        if (!under.has(parent)) under.set(parent, []);
        under.get(parent).push(g);
      } else {
        loose.push(g);
      }
    }
    const rows = [];
    const open = []; // spans whose subtree is being drawn: {spanId, depth}
    const closeTo = (depth) => {
      while (open.length > 0 && open[open.length - 1].depth >= depth) {
        const done = open.pop();
        for (const g of under.get(done.spanId) ?? []) rows.push(runningRow(g, scale, done.depth + 1));
      }
    };
    for (const span of spans) {
      closeTo(span.depth);
      rows.push(spanRow(span, scale));
      open.push({ spanId: span.spanId, depth: span.depth });
    }
    closeTo(0);
    for (const g of loose) rows.push(runningRow(g, scale, 0));
    return rows;
  }

  function laneBand(block, scale) {
    const count = block.rows.reduce((n, r) => n + r.spans.length, 0);
    const label = h(
      'div',
      { class: 'wf-label wf-lane-label' },
      h('span', { class: 'lane-name', text: block.lane.label || block.lane.key, attrs: { title: block.lane.key ?? '' } }),
      h('span', { class: 'muted', text: ` ${count} ${count === 1 ? 'span' : 'spans'}` }),
    );
    label.style.paddingLeft = `${0.5 + Math.min(block.depth, MAX_INDENT) * 1.1}rem`;
    const rows = block.rows.map((r) =>
      h(
        'div',
        { class: ['wf-track', 'wf-lane-row', r.level > 0 && 'nested'], dataset: { level: r.level } },
        r.spans.map((s) => queueWait(s, scale, true)),
        r.spans.map((s) => bar(s, scale, { inner: true })),
      ),
    );
    return h('div', { class: 'wf-lane', testid: 'lane', dataset: { lane: block.lane.key } }, label, h('div', { class: 'wf-lane-rows' }, rows));
  }

  function axis(scale) {
    const track = h('div', { class: 'wf-axis-track', attrs: { 'aria-hidden': 'true' } });
    const grid = h('div', { class: 'wf-grid', attrs: { 'aria-hidden': 'true' } });
    for (const t of ticks(scale.t0, scale.t1)) {
      const tick = h('span', { class: 'wf-tick', testid: 'axis-tick', text: fmt.duration(t) });
      const line = h('span', { class: 'wf-grid-line' });
      tick.style.left = line.style.left = `${scale.pct(t)}%`;
      if (scale.pct(t) < 3) tick.classList.add('first');
      if (scale.pct(t) > 95) tick.classList.add('last');
      track.append(tick);
      grid.append(line);
    }
    return { header: h('div', { class: 'wf-axis' }, h('div', { class: 'wf-label wf-axis-label', text: 'Span' }), track), grid };
  }

  function drawChart() {
    const hadFocus = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.spanId : undefined;
    const lanes = (Array.isArray(trace.lanes) ? trace.lanes : []).filter((l) => l && typeof l.key === 'string');
    laneToggle.checked = groupByLane && lanes.length > 0;
    laneToggle.disabled = lanes.length === 0;
    laneCount.textContent = lanes.length === 0 ? ' (no lanes in this trace)' : ` (${lanes.length} ${lanes.length === 1 ? 'lane' : 'lanes'})`;
    const scale = scaleOf(trace.durationNanos, spans, running.length > 0 ? nowOffset() : 0);
    bars = new Map();
    order = [];
    notes = [];
    const { header, grid } = axis(scale);
    const rows = h('div', { class: 'wf-rows' }, grid);
    if (laneToggle.checked) {
      for (const block of laneBlocks(spans, lanes)) rows.append(block.type === 'span' ? spanRow(block.span, scale) : laneBand(block, scale));
      for (const g of running) rows.append(runningRow(g, scale, 0));
    } else {
      rows.append(...treeRows(scale));
    }
    const chart = h('div', { class: ['waterfall', laneToggle.checked && 'by-lane'], testid: 'waterfall', dataset: { mode: laneToggle.checked ? 'lanes' : 'tree' }, attrs: { role: 'group', 'aria-label': 'Waterfall' } }, header, rows);
    chart.addEventListener('keydown', onKey);
    chartHost.replaceChildren(chart);
    placeNotes();
    showSelection(false);
    if (hadFocus) bars.get(hadFocus)?.focus({ preventScroll: true });
  }

  function onKey(event) {
    if (event.key === 'Escape') {
      select(null);
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const at = order.indexOf(selectedId);
    const next = order[event.key === 'ArrowDown' ? Math.min(order.length - 1, at + 1) : Math.max(0, at - 1)];
    if (!next) return;
    select(next, { scroll: true });
    bars.get(next)?.focus({ preventScroll: true });
  }

  function show(data) {
    trace = data;
    spans = cleanSpans(data);
    running = cleanRunning(data);
    clearInterval(runningTimer);
    runningTimer = running.length > 0 ? setInterval(drawChart, RUNNING_TICK_MILLIS) : null;
    spansById = new Map(spans.map((s) => [s.spanId, s]));
    childCounts = new Map();
    for (const s of spans) {
      if (s.parentSpanId) childCounts.set(s.parentSpanId, (childCounts.get(s.parentSpanId) ?? 0) + 1);
    }
    laneLabels = new Map((Array.isArray(data.lanes) ? data.lanes : []).map((l) => [l.key, l.label]));
    if (selectedId !== null && !isSpanId(selectedId)) selectedId = null;
    toolbar.hidden = false;
    drawHead();
    drawChart();
    drawDetails();
    if (firstDraw && selectedId) showSelection(true);
    firstDraw = false;
  }

  function showMissing() {
    lastText = null;
    clearInterval(runningTimer);
    runningTimer = null;
    toolbar.hidden = true;
    body.classList.remove('with-details');
    clear(detailsHost);
    chartHost.replaceChildren(
      h('div', { class: 'empty', testid: 'trace-missing' },
        h('p', { text: `This receiver holds no trace ${traceId}.` }),
        h('p', { class: 'muted', text: 'It may not have arrived yet (this page shows it when it does), or it was evicted to keep the store within its limits.' })),
    );
  }

  const refresh = coalesce(async () => {
    try {
      const data = await api.trace(traceId);
      problem.hidden = true;
      const text = JSON.stringify(data);
      if (text === lastText) return; // polling: nothing new, keep the page as it is
      lastText = text;
      show(data);
    } catch (e) {
      if (e.status === 404) {
        problem.hidden = true;
        showMissing();
      } else {
        problem.textContent = `Could not load the trace: ${e.message}`;
        problem.hidden = false;
      }
    }
  });

  const resize = new ResizeObserver(() => placeNotes());
  resize.observe(chartHost);

  const unsubscribe = subscribe('traces', ({ traceIds }) => {
    if (traceIds === null || traceIds.includes(traceId)) refresh();
  });
  const unsubscribeRunning = subscribe('running', () => refresh());
  refresh();

  return {
    update(next) {
      const wanted = next.spanId ?? null;
      if (wanted !== selectedId) select(wanted, { scroll: true, writeUrl: false });
    },
    destroy() {
      unsubscribe();
      unsubscribeRunning();
      clearInterval(runningTimer);
      resize.disconnect();
      clear(container);
    },
  };
}
