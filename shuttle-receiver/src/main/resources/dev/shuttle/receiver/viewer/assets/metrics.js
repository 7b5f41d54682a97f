// The metrics view (/metrics): one uPlot chart per instrument, re-drawn on every update.

import { h, clear } from './dom.js';
import * as api from './api.js';
import { subscribe, coalesce } from './live.js';
import * as fmt from './format.js';

const CHART_HEIGHT = 200;
const COLOURS = ['#2f7ed8', '#e4572e', '#17a673', '#9b59b6', '#f2a541', '#00a6c0', '#c2185b', '#7f8c8d'];
const PERCENTILE_COLOURS = { p50: '#17a673', p90: '#f2a541', p99: '#e4572e' };

const TYPE_NAMES = {
  sum: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  exp_histogram: 'exponential histogram',
  summary: 'summary',
};

function keyOf(metric) {
  return `${metric.service}\u0000${metric.name}`;
}

function kindOf(metric) {
  if (metric.type === 'sum') return metric.monotonic ? 'counter' : 'up-down counter';
  return TYPE_NAMES[metric.type] ?? String(metric.type);
}

/** The unit a chart's values are in: a rate is per second. */
function valueUnit(series) {
  const u = fmt.unit(series.unit);
  if (series.display === 'rate') return u ? `${u}/s` : 'per second';
  return u;
}

/** uPlot's aligned data: x in seconds (the union of every series' times), one y array per series. */
export function alignedData(seriesList) {
  const times = new Set();
  for (const s of seriesList) for (const p of s.points) times.add(p.timeUnixMillis);
  const xs = [...times].sort((a, b) => a - b);
  const ys = seriesList.map((s) => {
    const at = new Map(s.points.map((p) => [p.timeUnixMillis, p.value]));
    return xs.map((x) => (at.has(x) ? at.get(x) : null));
  });
  return [xs.map((x) => x / 1000), ...ys];
}

function cleanSeries(answer) {
  const list = Array.isArray(answer.series) ? answer.series : [];
  return list.map((s) => ({
    label: typeof s.label === 'string' && s.label !== '' ? s.label : 'value',
    points: (Array.isArray(s.points) ? s.points : []).filter(
      (p) => p && Number.isFinite(p.timeUnixMillis) && (Number.isFinite(p.value) || p.value === null),
    ),
  }));
}

function cssColour(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** One instrument's card: title, description, unit, and the chart (made when its series arrive). */
function card(metric) {
  const chartBox = h('div', { class: 'chart', testid: 'metric-chart', dataset: { metric: metric.name, service: metric.service } });
  const note = h('p', { class: 'muted chart-note', attrs: { hidden: true } });
  const unitText = h('span', { class: 'unit' });
  const el = h(
    'article',
    { class: 'metric', testid: 'metric', dataset: { metric: metric.name } },
    h(
      'header',
      {},
      h('h2', { text: metric.name, attrs: { title: metric.name } }),
      h('p', { class: 'metric-meta' }, h('span', { class: 'kind', text: kindOf(metric) }), unitText, h('span', { class: 'muted', text: ` · ${metric.service} · ${metric.scope}` })),
      metric.description ? h('p', { class: 'description', text: metric.description }) : null,
    ),
    chartBox,
    note,
  );
  return { el, chartBox, note, unitText, plot: null, labels: null };
}

function makePlot(c, answer, seriesList) {
  const u = valueUnit(answer);
  const rawUnit = answer.display === 'rate' ? '' : answer.unit;
  const axisColour = cssColour('--muted', '#666');
  const gridColour = cssColour('--grid', '#ddd');
  const opts = {
    width: Math.max(200, c.chartBox.clientWidth),
    height: CHART_HEIGHT,
    scales: { x: { time: true } },
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false } },
    series: [
      {},
      ...seriesList.map((s, i) => ({
        label: s.label,
        stroke: PERCENTILE_COLOURS[s.label] ?? COLOURS[i % COLOURS.length],
        width: 1.5,
        spanGaps: true,
        value: (plot, v) => (v === null || v === undefined ? '–' : `${fmt.metricValue(v, rawUnit)}${u && !(rawUnit in TIME_UNITS) ? ` ${u}` : ''}`),
      })),
    ],
    axes: [
      { stroke: axisColour, grid: { stroke: gridColour, width: 1 }, ticks: { stroke: gridColour } },
      {
        stroke: axisColour,
        grid: { stroke: gridColour, width: 1 },
        ticks: { stroke: gridColour },
        size: 64,
        values: (plot, splits) => splits.map((v) => fmt.metricValue(v, rawUnit)),
      },
    ],
  };
  // eslint-disable-next-line no-undef
  return new window.uPlot(opts, alignedData(seriesList), c.chartBox);
}

const TIME_UNITS = { ns: 1, us: 1, 'µs': 1, ms: 1, s: 1, min: 1 };

function draw(c, answer) {
  const seriesList = cleanSeries(answer);
  const points = seriesList.reduce((n, s) => n + s.points.length, 0);
  const u = valueUnit(answer);
  c.unitText.textContent = u ? ` · ${u}` : '';
  c.chartBox.dataset.display = answer.display ?? '';
  if (typeof window.uPlot !== 'function') {
    c.note.textContent = 'The chart library (/assets/uplot/) did not load.';
    c.note.hidden = false;
    return;
  }
  if (points === 0) {
    c.plot?.destroy();
    c.plot = null;
    c.labels = null;
    c.note.textContent = 'No data points yet.';
    c.note.hidden = false;
    return;
  }
  c.note.hidden = true;
  const labels = JSON.stringify(seriesList.map((s) => s.label));
  if (c.plot && labels === c.labels) {
    c.plot.setData(alignedData(seriesList));
    return;
  }
  c.plot?.destroy();
  c.plot = makePlot(c, answer, seriesList);
  c.labels = labels;
}

/** Mounts the metrics view in container; returns {update(route), destroy()}. */
export function mountMetrics(container) {
  document.title = 'Metrics · Shuttle';
  const cards = new Map(); // key -> card
  const summary = h('p', { class: 'list-summary', testid: 'metric-count', attrs: { 'aria-live': 'polite' } });
  const problem = h('p', { class: 'problem', testid: 'metrics-error', attrs: { role: 'alert', hidden: true } });
  const grid = h('div', { class: 'metric-grid' });
  const empty = h('p', { class: 'empty', testid: 'metrics-empty', attrs: { hidden: true }, text: 'No metrics yet. Instruments appear here when the receiver gets their first data points.' });
  container.append(h('section', { class: 'metrics-view' }, h('h1', { text: 'Metrics' }), summary, problem, empty, grid));

  const resize = new ResizeObserver(() => {
    for (const c of cards.values()) {
      if (c.plot) c.plot.setSize({ width: Math.max(200, c.chartBox.clientWidth), height: CHART_HEIGHT });
    }
  });
  resize.observe(grid);

  const refresh = coalesce(async () => {
    let list;
    try {
      list = await api.metrics();
      problem.hidden = true;
    } catch (e) {
      problem.textContent = `Could not load the metrics: ${e.message}`;
      problem.hidden = false;
      return;
    }
    const metrics = (Array.isArray(list.metrics) ? list.metrics : []).filter((m) => m && typeof m.name === 'string');
    const keys = new Set(metrics.map(keyOf));
    for (const [key, c] of cards) {
      if (!keys.has(key)) {
        c.plot?.destroy();
        c.el.remove();
        cards.delete(key);
      }
    }
    for (const m of metrics) {
      if (!cards.has(keyOf(m))) cards.set(keyOf(m), card(m));
    }
    grid.replaceChildren(...metrics.map((m) => cards.get(keyOf(m)).el)); // keeps the charts, in the server's order
    summary.textContent = `${metrics.length} ${metrics.length === 1 ? 'instrument' : 'instruments'}`;
    empty.hidden = metrics.length > 0;
    await Promise.all(
      metrics.map(async (m) => {
        const c = cards.get(keyOf(m));
        try {
          draw(c, await api.series(m.name, m.service));
        } catch (e) {
          c.note.textContent = `Could not load the series: ${e.message}`;
          c.note.hidden = false;
        }
      }),
    );
  });

  const unsubscribe = subscribe('metrics', () => refresh());
  refresh();

  return {
    update() {},
    destroy() {
      unsubscribe();
      resize.disconnect();
      for (const c of cards.values()) c.plot?.destroy();
      clear(container);
    },
  };
}
