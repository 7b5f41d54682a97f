// DOM building for text that came from the network: text only ever goes in through textContent
// (text nodes), attributes only through setAttribute on names that cannot run script or load
// anything. Internal links are made by link(), from paths that ids.js built.

const FORBIDDEN_ATTRIBUTE = /^(on|style$|href$|src$|srcset$|srcdoc$|action$|formaction$|xlink:|xmlns)/i;

/**
 * Creates an element. props: class (string or array), testid, text (textContent), dataset
 * (object of data-* values), attrs (object of other attributes), on (object of event handlers).
 * children: nodes or strings (as text), null/undefined/false skipped, arrays flattened.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  const { class: cls, testid, text, dataset, attrs, on } = props;
  if (cls) el.className = Array.isArray(cls) ? cls.filter(Boolean).join(' ') : cls;
  if (testid) el.dataset.testid = testid;
  if (dataset) {
    for (const [key, value] of Object.entries(dataset)) {
      if (value !== null && value !== undefined) el.dataset[key] = String(value);
    }
  }
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (FORBIDDEN_ATTRIBUTE.test(name)) throw new Error(`attribute ${name} is not set through h()`);
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  if (on) {
    for (const [type, handler] of Object.entries(on)) el.addEventListener(type, handler);
  }
  if (text !== undefined && text !== null) el.textContent = String(text);
  append(el, children);
  return el;
}

/** Appends nodes and strings (as text nodes) to a parent. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/**
 * An anchor to a path of this viewer (from ids.js or a fixed route). The router takes over plain
 * clicks on it; middle clicks and "open in new tab" still work because it is a real link.
 */
export function link(path, props = {}, ...children) {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
    throw new Error('not an internal path');
  }
  const a = h('a', props, ...children);
  a.setAttribute('href', path);
  a.dataset.internal = '';
  return a;
}

/** Removes every child. */
export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A visually hidden text for screen readers. */
export function srOnly(text) {
  return h('span', { class: 'sr-only', text });
}
