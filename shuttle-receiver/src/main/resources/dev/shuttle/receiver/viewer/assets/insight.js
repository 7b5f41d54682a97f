// Draws the concurrency insight the server computed for a trace: the critical path, queue wait
// before a job ran, parallelism under a span, and lanes. Nothing here decides what they are;
// laneBlocks only lays the server's lanes out in rows.

import { h } from './dom.js';
import * as fmt from './format.js';

/** Marks a bar whose span is on the critical path. */
export function markCritical(bar, span) {
  if (span.onCriticalPath !== true) return;
  bar.dataset.critical = 'true';
  bar.classList.add('critical');
}

/** The segment before a bar for the time its span waited in a queue, or null if it did not. */
export function queueWait(span, scale, thin = false) {
  const wait = span.queueWaitNanos;
  if (typeof wait !== 'number' || !(wait > 0)) return null;
  const segment = h('div', {
    class: ['wf-wait', thin && 'thin'],
    testid: 'queue-wait',
    dataset: { spanId: span.spanId },
    attrs: {
      title: `queued ${fmt.duration(wait)}, then ran ${fmt.duration(span.durationNanos)}`,
      'aria-label': `queue wait ${fmt.duration(wait)}`,
    },
  });
  scale.place(segment, span.startOffsetNanos - wait, wait);
  return segment;
}

/**
 * A span's parallelism ("×3.4 parallel · longest worker-1"), or null for a span without children.
 * onSelect(spanId) is called when the longest child's name is clicked.
 */
export function parallelism(span, spansById, onSelect) {
  const p = span.parallelism;
  if (typeof p !== 'number' || !Number.isFinite(p)) return null;
  const longest = spansById.get(span.longestChildSpanId);
  const why =
    `Its children ran ${fmt.factor(p)} its wall time in total (sum of their durations ÷ its duration).` +
    (longest ? ` Longest child: ${longest.name}, ${fmt.duration(longest.durationNanos)}.` : '');
  return h(
    'span',
    {
      class: 'parallel',
      testid: 'parallelism',
      dataset: { spanId: span.spanId, parallelism: p, longestChildSpanId: longest ? longest.spanId : null },
      attrs: { title: why },
    },
    h('span', { class: 'parallel-factor', text: `${fmt.factor(p)} parallel` }),
    longest && [
      ' · longest ',
      h('button', {
        class: 'linkish',
        testid: 'longest-child',
        attrs: { type: 'button', title: `Select ${longest.name}` },
        text: longest.name,
        on: {
          click: (event) => {
            event.stopPropagation();
            onSelect(longest.spanId);
          },
        },
      }),
    ],
  );
}

/** "Critical path: a → b → c", each name selecting its span; null when the trace has none. */
export function criticalPathSummary(trace, spansById, onSelect) {
  const path = (Array.isArray(trace.criticalPath) ? trace.criticalPath : []).map((id) => spansById.get(id)).filter(Boolean);
  if (path.length === 0) return null;
  const last = path[path.length - 1];
  return h(
    'p',
    { class: 'critical-summary', testid: 'critical-path' },
    h('span', { class: 'swatch critical', attrs: { 'aria-hidden': 'true' } }),
    h('span', { class: 'critical-label', text: 'Critical path' }),
    ' ',
    path.map((span, i) => [
      i > 0 && h('span', { class: 'arrow', text: ' → ', attrs: { 'aria-hidden': 'true' } }),
      h('button', {
        class: 'linkish',
        attrs: { type: 'button' },
        dataset: { spanId: span.spanId },
        text: span.name || '(unnamed)',
        on: { click: () => onSelect(span.spanId) },
      }),
    ]),
    h('span', {
      class: 'muted critical-end',
      text: ` · ends ${fmt.duration(last.startOffsetNanos + last.durationNanos)} after the trace's start`,
    }),
  );
}

/**
 * The waterfall's blocks when grouped by lane, in tree order: {type: 'span', span} for a span in
 * no lane, {type: 'lane', lane, depth, rows} for a lane, placed where its first span is. A lane
 * holds its spans and their descendants (unless those are in a lane of their own); rows are
 * {level, spans}, one level per generation below the lane's spans, and within a level spans that
 * overlap in time go to separate rows.
 */
export function laneBlocks(spans, lanes) {
  const memberOf = new Map(); // spanId -> lane
  for (const lane of lanes) {
    for (const id of Array.isArray(lane.spanIds) ? lane.spanIds : []) {
      if (!memberOf.has(id)) memberOf.set(id, lane);
    }
  }
  const owner = new Map(); // spanId -> {lane, member}: the lane span it belongs under
  const blocks = [];
  const laneBlock = new Map(); // lane key -> block
  for (const span of spans) {
    const lane = memberOf.get(span.spanId);
    const own = lane ? { lane, member: span } : owner.get(span.parentSpanId);
    if (!own) {
      blocks.push({ type: 'span', span });
      continue;
    }
    owner.set(span.spanId, own);
    let block = laneBlock.get(own.lane.key);
    if (!block) {
      block = { type: 'lane', lane: own.lane, depth: span.depth, members: [] };
      laneBlock.set(own.lane.key, block);
      blocks.push(block);
    }
    block.members.push({ span, level: Math.max(0, span.depth - own.member.depth) });
  }
  for (const block of laneBlock.values()) {
    block.rows = packRows(block.members);
    delete block.members;
  }
  return blocks;
}

/** First-fit packing of spans into rows, one set of rows per level, no overlap within a row. */
function packRows(members) {
  const levels = new Map();
  for (const m of members) {
    if (!levels.has(m.level)) levels.set(m.level, []);
    levels.get(m.level).push(m.span);
  }
  const rows = [];
  for (const level of [...levels.keys()].sort((a, b) => a - b)) {
    const spans = levels.get(level).sort((a, b) => a.startOffsetNanos - b.startOffsetNanos);
    const levelRows = [];
    for (const span of spans) {
      const fits = levelRows.find((r) => r.end <= span.startOffsetNanos);
      const row = fits ?? { level, spans: [], end: -Infinity };
      if (!fits) levelRows.push(row);
      row.spans.push(span);
      row.end = span.startOffsetNanos + span.durationNanos;
    }
    for (const r of levelRows) rows.push({ level: r.level, spans: r.spans });
  }
  return rows;
}
