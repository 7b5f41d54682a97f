// Numbers for humans: durations, times of day, metric values.

const NS_PER = { ns: 1, 'µs': 1e3, ms: 1e6, s: 1e9 };

/** Three significant digits, without trailing zeros after the point: 20.4, 204, 2.04, 3. */
function sig3(x) {
  if (x >= 100) return String(Math.round(x));
  const text = x >= 10 ? x.toFixed(1) : x.toFixed(2);
  return text.replace(/\.?0+$/, '');
}

/** Nanoseconds as "850 ns", "12.3 µs", "20.4 ms", "1.25 s", "2 min 3.4 s". */
export function duration(ns) {
  if (typeof ns !== 'number' || !Number.isFinite(ns)) return '–';
  const sign = ns < 0 ? '−' : '';
  const a = Math.abs(ns);
  if (a === 0) return '0';
  if (a < 1e3) return `${sign}${Math.round(a)} ns`;
  if (a < 1e6) return `${sign}${sig3(a / 1e3)} µs`;
  if (a < 1e9) return `${sign}${sig3(a / 1e6)} ms`;
  if (a < 60e9) return `${sign}${sig3(a / 1e9)} s`;
  const minutes = Math.floor(a / 60e9);
  if (minutes < 60) return `${sign}${minutes} min ${sig3((a - minutes * 60e9) / 1e9)} s`;
  const hours = Math.floor(minutes / 60);
  return `${sign}${hours} h ${minutes - hours * 60} min`;
}

/** Milliseconds as a duration (the list's filter and metric units). */
export function durationMillis(ms) {
  return duration(ms * NS_PER.ms);
}

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

/** A local time of day with milliseconds, with the date in front when it is not today. */
export function time(unixMillis, now = new Date()) {
  if (typeof unixMillis !== 'number' || !Number.isFinite(unixMillis)) return '–';
  const d = new Date(unixMillis);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? clock : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}`;
}

/** ISO 8601 in UTC, for titles. */
export function isoTime(unixMillis) {
  if (typeof unixMillis !== 'number' || !Number.isFinite(unixMillis)) return '';
  return new Date(unixMillis).toISOString();
}

/** A count with thousands separators. */
export function count(n) {
  return typeof n === 'number' ? n.toLocaleString('en-US') : '–';
}

/** A compact number: 0.00412, 3.5, 1,250, 1.2 M. */
export function number(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e9) return `${sig3(v / 1e9)} G`;
  if (a >= 1e6) return `${sig3(v / 1e6)} M`;
  if (a >= 1e4) return Math.round(v).toLocaleString('en-US');
  if (a >= 1) return String(Math.round(v * 100) / 100);
  return String(Number(v.toPrecision(3)));
}

/** A UCUM unit for display: "{job}" → "job", "1" → "", "By" → "bytes". */
export function unit(u) {
  if (typeof u !== 'string' || u === '1') return '';
  if (u === 'By') return 'bytes';
  return u.replace(/\{([^}]*)\}/g, '$1');
}

/** A metric value in its unit: time units as durations, bytes scaled, else number and unit. */
export function metricValue(v, u) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (u in NS_PER) return duration(v * NS_PER[u]);
  if (u === 'us') return duration(v * 1e3);
  if (u === 'min') return duration(v * 60e9);
  if (u === 'By') return bytes(v);
  return number(v);
}

function bytes(v) {
  const a = Math.abs(v);
  if (a < 1024) return `${number(v)} B`;
  if (a < 1024 ** 2) return `${sig3(v / 1024)} KiB`;
  if (a < 1024 ** 3) return `${sig3(v / 1024 ** 2)} MiB`;
  return `${sig3(v / 1024 ** 3)} GiB`;
}

/** A parallelism factor: "×3.4". */
export function factor(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  return `×${x >= 10 ? Math.round(x) : x.toFixed(1)}`;
}
