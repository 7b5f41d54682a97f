// The details panel of the selected span: facts, attributes, events, links both ways, resource.

import { h, link } from './dom.js';
import { tracePath, shortId, isTraceId, isSpanId } from './ids.js';
import * as fmt from './format.js';

function section(title, testid, ...content) {
  return h('section', { class: 'details-section', testid }, h('h3', { text: title }), ...content);
}

/** Attributes as a key/value table (the type in the value's title), or a note when there are none. */
export function attributeTable(attributes, empty = 'none') {
  const list = Array.isArray(attributes) ? attributes : [];
  if (list.length === 0) return h('p', { class: 'muted', text: empty });
  return h(
    'table',
    { class: 'attrs' },
    h(
      'tbody',
      {},
      list.map((a) =>
        h(
          'tr',
          {},
          h('th', { attrs: { scope: 'row' }, text: a.key }),
          h('td', { class: `type-${typeClass(a.type)}`, text: a.value, attrs: { title: a.type ?? '' } }),
        ),
      ),
    ),
  );
}

function typeClass(type) {
  return ['string', 'bool', 'int', 'double', 'array', 'kvlist', 'bytes'].includes(type) ? type : 'other';
}

function spanButton(span, onSelect) {
  return h('button', {
    class: 'linkish',
    attrs: { type: 'button' },
    dataset: { spanId: span.spanId },
    text: span.name || '(unnamed)',
    on: { click: () => onSelect(span.spanId) },
  });
}

/** One end of a link: a link to the trace and span when held, else the ids as text. */
function linkEnd(traceId, spanId, name, inStore, direction, ctx) {
  const here = traceId === ctx.trace.traceId;
  const target = here ? ctx.spansById.get(spanId) : null;
  const label = name || (target ? target.name : '') || `span ${shortId(spanId)}`;
  const where = here ? 'in this trace' : `in trace ${shortId(traceId)}`;
  const title = `trace ${traceId}, span ${spanId}`;
  const path = inStore ? tracePath(traceId, spanId) : null;
  if (path) {
    return [
      link(path, { testid: 'link', class: 'link-end', dataset: { direction, traceId, spanId }, attrs: { title } }, label),
      h('span', { class: 'muted', text: ` ${where}` }),
    ];
  }
  const why = !isTraceId(traceId) || !isSpanId(spanId) ? 'not a valid id' : 'not received by this receiver';
  return h('span', {
    class: 'link-end missing',
    testid: 'link-missing',
    dataset: { direction },
    attrs: { title },
    text: `${label} ${where} (${why})`,
  });
}

/**
 * The details panel of span. ctx: {trace, spansById, laneLabels (Map key -> label),
 * onSelect(spanId), onClose()}.
 */
export function spanDetails(span, ctx) {
  const facts = h('dl', { class: 'facts' });
  const fact = (term, ...value) => facts.append(h('dt', { text: term }), h('dd', {}, ...value));
  const start = span.startOffsetNanos;
  const parent = span.parentSpanId ? ctx.spansById.get(span.parentSpanId) : null;

  fact('Span id', h('code', { text: span.spanId }));
  if (parent) fact('Parent', spanButton(parent, ctx.onSelect));
  else if (span.parentSpanId) fact('Parent', h('code', { text: span.parentSpanId }), h('span', { class: 'muted', text: ' (not received)' }));
  else fact('Parent', h('span', { class: 'muted', text: 'none: a root span' }));
  fact('Kind', span.kind ?? '');
  fact('Service', span.service ?? '');
  fact('Start', `+${fmt.duration(start)} after the trace's start`);
  fact('Duration', fmt.duration(span.durationNanos));
  if (typeof span.queueWaitNanos === 'number' && span.queueWaitNanos > 0) {
    fact('Queue wait', h('span', { testid: 'details-queue-wait', text: `${fmt.duration(span.queueWaitNanos)} in the queue before it ran` }));
  }
  const status = span.status ?? {};
  fact(
    'Status',
    h('span', { class: ['status', `status-${String(status.code).toLowerCase()}`], testid: 'details-status', text: status.code ?? 'UNSET' }),
    status.message ? h('span', { class: 'status-message', text: ` ${status.message}` }) : null,
  );
  const scope = span.scope ?? {};
  fact('Scope', [scope.name, scope.version].filter(Boolean).join(' ') || '–');
  if (typeof span.parallelism === 'number') {
    const longest = ctx.spansById.get(span.longestChildSpanId);
    fact(
      'Parallelism',
      `${fmt.factor(span.parallelism)}: its children ran ${fmt.factor(span.parallelism)} its wall time in total`,
      longest ? ['; longest ', spanButton(longest, ctx.onSelect), ` (${fmt.duration(longest.durationNanos)})`] : null,
    );
  }
  if (span.lane) fact('Lane', ctx.laneLabels.get(span.lane) ?? span.lane);
  if (span.onCriticalPath) fact('Critical path', 'on it: this span held its parent up');

  const events = Array.isArray(span.events) ? span.events : [];
  const links = Array.isArray(span.links) ? span.links : [];
  const linkedFrom = Array.isArray(span.linkedFrom) ? span.linkedFrom : [];

  return h(
    'aside',
    { class: 'details', testid: 'span-details', dataset: { spanId: span.spanId }, attrs: { 'aria-label': 'Span details' } },
    h(
      'div',
      { class: 'details-head' },
      h('h2', { text: span.name || '(unnamed)', attrs: { title: span.name ?? '' } }),
      h('button', {
        class: 'close',
        testid: 'details-close',
        attrs: { type: 'button', 'aria-label': 'Close the details', title: 'Close (Esc)' },
        text: '×',
        on: { click: ctx.onClose },
      }),
    ),
    facts,
    section('Attributes', 'details-attributes', attributeTable(span.attributes)),
    section(
      `Events (${events.length})`,
      'details-events',
      events.length === 0
        ? h('p', { class: 'muted', text: 'none' })
        : h(
            'ol',
            { class: 'events' },
            events.map((e) =>
              h(
                'li',
                {},
                h('span', { class: 'offset', text: `+${fmt.duration(e.offsetNanos - start)}`, attrs: { title: "after the span's start" } }),
                ' ',
                h('span', { class: 'event-name', text: e.name ?? '' }),
                (e.attributes ?? []).length > 0 ? attributeTable(e.attributes) : null,
              ),
            ),
          ),
    ),
    section(
      `Links (${links.length})`,
      'details-links',
      links.length === 0
        ? h('p', { class: 'muted', text: 'none: this span links to no other span' })
        : h(
            'ul',
            { class: 'links' },
            links.map((l) =>
              h(
                'li',
                {},
                h('span', { class: 'direction', text: '→ ', attrs: { 'aria-hidden': 'true' } }),
                linkEnd(l.traceId, l.spanId, '', l.inStore === true, 'out', ctx),
                (l.attributes ?? []).length > 0 ? attributeTable(l.attributes) : null,
              ),
            ),
          ),
    ),
    section(
      `Linked from (${linkedFrom.length})`,
      'details-linked-from',
      linkedFrom.length === 0
        ? h('p', { class: 'muted', text: 'none: no span received links to this one' })
        : h(
            'ul',
            { class: 'links' },
            linkedFrom.map((l) =>
              h('li', {}, h('span', { class: 'direction', text: '← ', attrs: { 'aria-hidden': 'true' } }), linkEnd(l.traceId, l.spanId, l.name, true, 'in', ctx)),
            ),
          ),
    ),
    section('Resource', 'details-resource', attributeTable(span.resource)),
  );
}
