// The trace list (/): newest first, filtered by the URL's query, re-fetched on every update.

import { h, link, clear } from './dom.js';
import * as api from './api.js';
import { subscribe, coalesce } from './live.js';
import { tracePath } from './ids.js';
import * as fmt from './format.js';
import { navigate, replaceQuery } from './router.js';

const TYPING_PAUSE_MILLIS = 250;

/** The filters in a query, with the API's parameter names; invalid values left out. */
export function readFilters(query) {
  const filters = {
    service: query.get('service') ?? '',
    name: query.get('name') ?? '',
    status: query.get('status') ?? '',
    minDurationMs: query.get('minDurationMs') ?? '',
    attr: query.get('attr') ?? '',
  };
  if (filters.status !== 'error' && filters.status !== 'ok') filters.status = '';
  if (!validMinDuration(filters.minDurationMs)) filters.minDurationMs = '';
  if (!validAttr(filters.attr)) filters.attr = '';
  return filters;
}

function validMinDuration(text) {
  if (text.trim() === '') return true;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0;
}

function validAttr(text) {
  return text === '' || text.indexOf('=') > 0;
}

function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label', text: label }), control, hint);
}

function invalid(input, yes) {
  if (yes) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

function option(value, text) {
  return h('option', { attrs: { value }, text });
}

/** Mounts the list in container; returns {update(route), destroy()}. */
export function mountList(container, route) {
  document.title = 'Traces · Shuttle';
  let filters = readFilters(route.query);
  lastSearch = window.location.search;
  let seen = null; // trace ids already shown, to mark the ones that arrive
  let services = [];
  let typingTimer = null;

  const service = h('select', { testid: 'filter-service', attrs: { name: 'service' } }, option('', 'all services'));
  const name = h('input', {
    testid: 'filter-name',
    attrs: { type: 'search', name: 'name', placeholder: 'contains…', autocomplete: 'off', spellcheck: 'false' },
  });
  const status = h(
    'select',
    { testid: 'filter-status', attrs: { name: 'status' } },
    option('', 'any'),
    option('ok', 'no error'),
    option('error', 'has an error'),
  );
  const minDuration = h('input', {
    testid: 'filter-min-duration',
    attrs: { type: 'number', name: 'minDurationMs', min: '0', step: 'any', inputmode: 'decimal', placeholder: '0' },
  });
  const attr = h('input', {
    testid: 'filter-attr',
    attrs: { type: 'search', name: 'attr', placeholder: 'key=value', autocomplete: 'off', spellcheck: 'false' },
  });
  const errorsOnly = h('input', { testid: 'filter-errors-only', attrs: { type: 'checkbox', name: 'errorsOnly' } });
  const clearButton = h('button', { testid: 'filter-clear', class: 'quiet', attrs: { type: 'button' }, text: 'Clear filters' });

  const form = h(
    'form',
    { class: 'filters', testid: 'filters', attrs: { role: 'search', 'aria-label': 'Filter traces' } },
    field('Service', service),
    field('Span name', name),
    field('Status', status),
    field('Min duration (ms)', minDuration),
    field('Attribute', attr),
    h('label', { class: 'field toggle' }, errorsOnly, h('span', { text: 'Errors only' })),
    clearButton,
  );
  const summary = h('p', { class: 'list-summary', testid: 'trace-count', attrs: { 'aria-live': 'polite' } });
  const problem = h('p', { class: 'problem', testid: 'list-error', attrs: { role: 'alert', hidden: true } });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'traces', testid: 'trace-list' },
    h('caption', { class: 'sr-only', text: 'Traces, newest first' }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { attrs: { scope: 'col' }, class: 'col-time', text: 'Started' }),
        h('th', { attrs: { scope: 'col' }, text: 'Service' }),
        h('th', { attrs: { scope: 'col' }, text: 'Root span' }),
        h('th', { attrs: { scope: 'col' }, class: 'num', text: 'Spans' }),
        h('th', { attrs: { scope: 'col' }, class: 'col-duration', text: 'Duration' }),
        h('th', { attrs: { scope: 'col' }, class: 'col-error' }, h('span', { class: 'sr-only', text: 'Error' })),
      ),
    ),
    tbody,
  );
  const empty = h('p', { class: 'empty', testid: 'list-empty', attrs: { hidden: true } });
  container.append(h('section', { class: 'list-view' }, h('h1', { class: 'sr-only', text: 'Traces' }), form, summary, problem, table, empty));

  function fillForm() {
    service.value = filters.service;
    if (service.value !== filters.service) setServices(services); // a service not seen (yet)
    name.value = filters.name;
    status.value = filters.status;
    minDuration.value = filters.minDurationMs;
    attr.value = filters.attr;
    errorsOnly.checked = filters.status === 'error';
    invalid(minDuration, false);
    invalid(attr, false);
  }

  function setServices(list) {
    services = list;
    const choices = filters.service && !list.includes(filters.service) ? [...list, filters.service] : list;
    const now = [...service.options].slice(1).map((o) => o.value);
    if (now.length === choices.length && now.every((v, i) => v === choices[i])) return;
    service.replaceChildren(option('', 'all services'), ...choices.map((s) => option(s, s)));
    service.value = filters.service;
  }

  /** Reads the form into filters and the URL, and re-fetches. */
  function applyForm() {
    const minOk = validMinDuration(minDuration.value);
    const attrOk = validAttr(attr.value.trim());
    invalid(minDuration, !minOk);
    invalid(attr, !attrOk);
    seen = null; // a different list, not new arrivals
    filters = {
      service: service.value,
      name: name.value.trim(),
      status: status.value,
      minDurationMs: minOk ? minDuration.value.trim() : '',
      attr: attrOk ? attr.value.trim() : '',
    };
    replaceQuery(filters);
    lastSearch = window.location.search;
    refresh();
  }

  function applySoon() {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(applyForm, TYPING_PAUSE_MILLIS);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(typingTimer);
    applyForm();
  });
  for (const input of [name, minDuration, attr]) {
    input.addEventListener('input', applySoon);
    input.addEventListener('change', () => {
      clearTimeout(typingTimer);
      applyForm();
    });
  }
  service.addEventListener('change', applyForm);
  status.addEventListener('change', () => {
    errorsOnly.checked = status.value === 'error';
    applyForm();
  });
  errorsOnly.addEventListener('change', () => {
    if (errorsOnly.checked) status.value = 'error';
    else if (status.value === 'error') status.value = '';
    applyForm();
  });
  clearButton.addEventListener('click', () => {
    filters = readFilters(new URLSearchParams());
    fillForm();
    applyForm();
  });

  function filtered() {
    return Object.values(filters).some((v) => v !== '');
  }

  function row(trace, longest, fresh) {
    const path = tracePath(trace.traceId);
    const rootName = typeof trace.rootName === 'string' && trace.rootName !== '' ? trace.rootName : '(unnamed)';
    const others = Array.isArray(trace.services) ? trace.services.filter((s) => s !== trace.service) : [];
    const bar = h('span', { class: 'mini-bar' });
    const share = longest > 0 && trace.durationNanos > 0 ? trace.durationNanos / longest : 0;
    bar.style.width = `${Math.max(2, Math.round(share * 100))}%`;
    const tr = h(
      'tr',
      { testid: 'trace-row', class: [fresh && 'fresh', trace.error && 'has-error'], dataset: { traceId: trace.traceId } },
      h('td', { class: 'col-time', text: fmt.time(trace.startUnixMillis), attrs: { title: fmt.isoTime(trace.startUnixMillis) } }),
      h(
        'td',
        { class: 'col-service' },
        h('span', { text: trace.service ?? '' }),
        others.length > 0 && h('span', { class: 'more', text: ` +${others.length}`, attrs: { title: others.join(', ') } }),
      ),
      h('td', { class: 'col-root' }, path ? link(path, { testid: 'trace-link', attrs: { title: rootName } }, rootName) : rootName),
      h('td', { class: 'num', text: fmt.count(trace.spanCount) }),
      h('td', { class: 'col-duration' }, h('span', { class: 'mini-track' }, bar), h('span', { text: fmt.duration(trace.durationNanos) })),
      h(
        'td',
        { class: 'col-error' },
        trace.error && h('span', { class: 'error-mark', testid: 'error-mark', text: 'error', attrs: { title: 'A span of this trace has status ERROR' } }),
      ),
    );
    if (path) {
      tr.classList.add('clickable');
      tr.addEventListener('click', (event) => {
        if (event.target instanceof Element && event.target.closest('a')) return; // the link navigates itself
        if (window.getSelection()?.toString()) return; // selecting text, not opening
        navigate(path);
      });
    }
    return tr;
  }

  function show(data) {
    const traces = Array.isArray(data.traces) ? data.traces : [];
    setServices(Array.isArray(data.services) ? data.services.filter((s) => typeof s === 'string') : []);
    const longest = traces.reduce((max, t) => Math.max(max, Number(t.durationNanos) || 0), 0);
    const rows = traces.map((t) => row(t, longest, seen !== null && !seen.has(t.traceId)));
    seen = new Set(traces.map((t) => t.traceId));
    tbody.replaceChildren(...rows);
    const total = typeof data.total === 'number' ? data.total : traces.length;
    summary.textContent =
      total > traces.length
        ? `${fmt.count(traces.length)} newest of ${fmt.count(total)} ${filtered() ? 'matching ' : ''}traces`
        : `${fmt.count(total)} ${filtered() ? 'matching ' : ''}${total === 1 ? 'trace' : 'traces'}`;
    empty.hidden = traces.length > 0;
    table.hidden = traces.length === 0;
    empty.textContent = filtered()
      ? 'No trace matches these filters.'
      : 'No traces yet. Point an OTLP exporter at this receiver; traces appear here as they arrive.';
  }

  const refresh = coalesce(async () => {
    const asked = JSON.stringify(filters);
    try {
      const data = await api.traces(filters);
      if (asked !== JSON.stringify(filters)) return; // the filters changed meanwhile; another run follows
      problem.hidden = true;
      show(data);
    } catch (e) {
      problem.textContent = `Could not load the traces: ${e.message}`;
      problem.hidden = false;
    }
  });

  const unsubscribe = subscribe('traces', () => refresh());
  fillForm();
  refresh();

  return {
    update(next) {
      const incoming = readFilters(next.query);
      if (JSON.stringify(incoming) === JSON.stringify(filters)) return;
      filters = incoming;
      lastSearch = window.location.search;
      seen = null;
      fillForm();
      refresh();
    },
    destroy() {
      clearTimeout(typingTimer);
      unsubscribe();
      clear(container);
    },
  };
}

let lastSearch = '';

/** The list's path with the filters it last had, for a way back from a trace. */
export function lastListPath() {
  return `/${lastSearch}`;
}
