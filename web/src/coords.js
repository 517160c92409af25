// Positions as text, both ways: formatting for the panels and the go-to box,
// and reading what an operator types (MGRS, decimal degrees, D°M'S", D°M').
// Pure functions, no DOM, so `node --test` can exercise them directly.
import * as mgrsModule from 'mgrs';

// The mgrs package ships an ES module (which Vite uses, through its
// "module" field) and a minified UMD file (which Node picks, through
// "main", and whose exports Node cannot see by name, so `import { forward }`
// fails under `node --test`). A namespace import works for both: the ES
// build has the functions on the namespace, the UMD one under `default`.
// Reflect.get, because the bundler warns about a literal `.default` that the
// ES build lacks.
const mgrs = typeof mgrsModule.forward === 'function' ? mgrsModule : Reflect.get(mgrsModule, 'default');

// MGRS covers 80°S–84°N; beyond is UPS, which the mgrs package refuses.
const MGRS_SOUTH = -80;
const MGRS_NORTH = 84;

// Latitude band letters, 8° each from 80°S (X is 12°, to 84°N).
const BANDS = 'CDEFGHJKLMNPQRSTUVWX';

function finite(x) {
  return typeof x === 'number' && Number.isFinite(x);
}

/** "31.33012 N 109.20000 W": decimal degrees to 5 places (about 1 m), hemisphere letters. */
export function formatLatLon(lat, lon) {
  if (!finite(lat) || !finite(lon)) return '';
  return `${decimal(lat, 'N', 'S')} ${decimal(lon, 'E', 'W')}`;
}

function decimal(deg, pos, neg) {
  const text = Math.abs(deg).toFixed(5);
  // A value that rounds to zero gets the positive letter, not "0.00000 S".
  const h = deg < 0 && Number(text) !== 0 ? neg : pos;
  return `${text} ${h}`;
}

/** `31°19'48.4"N 109°12'00.0"W`: degrees, minutes, seconds to a tenth (about 3 m). */
export function formatDms(lat, lon) {
  if (!finite(lat) || !finite(lon)) return '';
  return `${dmsPart(lat, 'N', 'S')} ${dmsPart(lon, 'E', 'W')}`;
}

function dmsPart(deg, pos, neg) {
  // Round once, in tenths of a second, so 59.96" carries into the minute
  // instead of printing as 60.0".
  const tenths = Math.round(Math.abs(deg) * 36000);
  const d = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = (tenths % 600) / 10;
  const h = deg < 0 && tenths !== 0 ? neg : pos;
  return `${d}°${String(m).padStart(2, '0')}'${s.toFixed(1).padStart(4, '0')}"${h}`;
}

/**
 * "12R XV 71257 67587": MGRS with `digits` (0–5) per easting/northing,
 * spaced for reading aloud. '' outside MGRS latitudes (above 84°N, below
 * 80°S, where UPS applies) or for a non-finite position.
 */
export function formatMgrs(lat, lon, digits = 5) {
  if (!finite(lat) || !finite(lon) || lat > MGRS_NORTH || lat < MGRS_SOUTH || Math.abs(lon) > 180) return '';
  const d = Math.max(0, Math.min(5, Math.round(digits)));
  let text;
  try {
    text = mgrs.forward([lon, lat], d);
  } catch {
    return '';
  }
  return spaceMgrs(text) || '';
}

// "12RXV7125767587" → "12R XV 71257 67587"; null when it is not MGRS.
function spaceMgrs(compact) {
  const m = /^(\d{1,2}[C-HJ-NP-X])([A-HJ-NP-Z][A-HJ-NP-V])(\d*)$/.exec(compact);
  if (!m || m[3].length % 2) return null;
  const half = m[3].length / 2;
  return [m[1], m[2], m[3].slice(0, half), m[3].slice(half)].filter(Boolean).join(' ');
}

/**
 * Reads a typed position. Returns {lat, lon, label} (label: the position as
 * MGRS if typed so, else as `formatLatLon`), or {error} with one short line
 * saying what is wrong. Never throws.
 *
 * Accepts MGRS with or without spaces, any precision (0–5 digits each),
 * any case: "12RXV1234567890", "12r xv 123 678". Decimal degrees: "31.5,
 * -109.2", "31.5 -109.2", "31.5N 109.2W", "N31.5 W109.2". Degrees, minutes
 * and seconds: `31°30'00"N 109°12'00"W`, "31 30 00 N 109 12 00 W"; degrees
 * and decimal minutes: `31°30.5'N 109°12.25'W`. Without hemisphere letters
 * the first value is the latitude.
 */
export function parseLocation(text) {
  try {
    if (typeof text !== 'string') return { error: 'no position given' };
    const t = text.trim();
    if (!t) return { error: 'no position given' };
    if (t.length > 200) return { error: 'too long for a position' };
    const compact = t.replace(/\s+/g, '').toUpperCase();
    // Zone number, three letters, digits: that shape is MGRS, and no
    // degree form has it ("31N 109W" has a digit after one letter).
    if (/^\d{1,2}[A-Z]{3}\d*$/.test(compact)) return parseMgrs(compact);
    // "12R" or "12Z": a grid zone alone, or a bad band, is the likelier
    // meaning than a lone latitude; N/S/E/W go on to the degree reader.
    const gz = /^(\d{1,2})([A-Z])$/.exec(compact);
    if (gz && !'NSEW'.includes(gz[2])) {
      if (!BANDS.includes(gz[2])) return { error: `${gz[2]} is not an MGRS latitude band (C–X, no I or O)` };
      return { error: `${gz[1]}${gz[2]} is a whole grid zone: add the square letters (${gz[1]}${gz[2]} XV)` };
    }
    return parseLatLon(t);
  } catch {
    // The parsers are meant not to throw; this is the last guard for the UI.
    return { error: 'not a position' };
  }
}

function parseMgrs(compact) {
  const m = /^(\d{1,2})([A-Z])([A-Z])([A-Z])(\d*)$/.exec(compact);
  if (!m) return { error: 'MGRS is zone, band, two square letters, then digits (12R XV 12345 67890)' };
  const zone = Number(m[1]);
  const band = m[2];
  const digits = m[5];
  if (zone < 1 || zone > 60) return { error: `MGRS zone ${m[1]} is not 1–60` };
  const bandIndex = BANDS.indexOf(band);
  if (bandIndex < 0) return { error: `MGRS band ${band} is not a latitude band (C–X, no I or O)` };
  if (/[IO]/.test(m[3] + m[4])) return { error: 'MGRS square letters never use I or O' };
  if (digits.length % 2) return { error: 'MGRS needs as many easting digits as northing digits' };
  if (digits.length > 10) return { error: 'MGRS has at most 5 digits each for easting and northing' };
  let point;
  try {
    point = mgrs.toPoint(compact);
  } catch {
    return { error: `${m[1]}${band} ${m[3]}${m[4]} is not an MGRS square` };
  }
  const [lon, lat] = point || [];
  if (!finite(lat) || !finite(lon)) return { error: `${m[1]}${band} ${m[3]}${m[4]} is not an MGRS square` };
  // The mgrs package resolves square letters without checking them against
  // the zone and band given, so a wrong letter lands somewhere else: check
  // the point is in the zone and band it claims. The point is the centre of
  // the square named, which for a coarse reference may lie up to half a
  // square outside (a square cut by a band or zone edge), hence the slack.
  const half = 50000 / 10 ** (digits.length / 2); // metres
  const slackLat = half / 111000 + 1e-6;
  const slackLon = slackLat / Math.max(0.1, Math.cos((lat * Math.PI) / 180));
  const south = -80 + 8 * bandIndex;
  const north = band === 'X' ? 84 : south + 8;
  if (lat < south - slackLat || lat > north + slackLat) {
    return { error: `${m[3]}${m[4]} is not a square of band ${band} in zone ${zone}` };
  }
  const [west, east] = zoneLimits(zone, band);
  if (lon < west - slackLon || lon > east + slackLon) {
    return { error: `${m[3]}${m[4]} is not a square of zone ${zone}` };
  }
  return { lat, lon, label: spaceMgrs(compact) };
}

// Longitude limits of a grid zone designation, with the Norway (32V) and
// Svalbard (31X–37X) widenings, so that genuine references there validate.
function zoneLimits(zone, band) {
  let west = -186 + 6 * zone;
  let east = west + 6;
  if (band === 'V' && zone === 31) east = 3;
  if (band === 'V' && zone === 32) west = 3;
  if (band === 'X') {
    if (zone === 31) east = 9;
    if (zone === 33) [west, east] = [9, 21];
    if (zone === 35) [west, east] = [21, 33];
    if (zone === 37) west = 33;
  }
  return [west, east];
}

// One token of a latitude/longitude text.
const TOKEN = /\s+|[,;/]|[+-]?(?:\d+(?:\.\d*)?|\.\d+)|[°º˚]|['′’‘]|["″”“]|[NSEW]|./gy;

function parseLatLon(text) {
  const toks = [];
  TOKEN.lastIndex = 0;
  const upper = text.toUpperCase();
  let mm;
  while ((mm = TOKEN.exec(upper)) !== null && mm[0] !== '') {
    const s = mm[0];
    if (/^\s+$/.test(s)) continue;
    if (/^[,;/]$/.test(s)) toks.push({ t: 'sep' });
    else if (/\d/.test(s)) toks.push({ t: 'num', s, v: Number(s), signed: /^[+-]/.test(s) });
    else if (/^[°º˚]$/.test(s)) toks.push({ t: 'mark', unit: 0 });
    else if (/^['′’‘]$/.test(s)) toks.push({ t: 'mark', unit: 1 });
    else if (/^["″”“]$/.test(s)) toks.push({ t: 'mark', unit: 2 });
    else if (/^[NSEW]$/.test(s)) toks.push({ t: 'hemi', h: s });
    else return { error: `"${s}" does not belong in a position` };
  }
  // A double apostrophe means seconds, as typed on keyboards without ".
  for (let i = 0; i + 1 < toks.length; i++) {
    if (toks[i].t === 'mark' && toks[i].unit === 1 && toks[i + 1].t === 'mark' && toks[i + 1].unit === 1) {
      toks.splice(i, 2, { t: 'mark', unit: 2 });
    }
  }
  if (!toks.some((k) => k.t === 'num')) return { error: 'no numbers in it' };
  if (toks[toks.length - 1].t === 'sep') return { error: 'a separator with nothing after it' };

  // Split into coordinates: a list of {parts: [{v, s, unit}], hemi, signed}.
  const prefix = toks[0].t === 'hemi';
  const coords = [];
  let cur = null;
  const open = () => {
    cur = { parts: [], hemi: null, signed: false };
    coords.push(cur);
  };
  for (let i = 0; i < toks.length; i++) {
    const k = toks[i];
    if (k.t === 'sep') {
      // After a value, open or closed by its letter; not first, not doubled.
      const prev = toks[i - 1];
      if (!coords.length || !prev || prev.t === 'sep' || (cur && !cur.parts.length)) return { error: 'a separator with no number before it' };
      cur = null;
    } else if (k.t === 'hemi') {
      if (prefix) {
        if (cur && !cur.parts.length) return { error: 'two hemisphere letters in a row' };
        open();
        cur.hemi = k.h;
      } else {
        if (!cur || !cur.parts.length) return { error: `hemisphere letter ${k.h} has no number before it` };
        if (cur.hemi) return { error: 'two hemisphere letters in a row' };
        cur.hemi = k.h;
        cur = null;
      }
    } else if (k.t === 'num') {
      const next = toks[i + 1];
      const unit = next && next.t === 'mark' ? next.unit : null;
      if (unit !== null) i++;
      // A signed number or one marked with ° starts the next coordinate.
      if (cur && cur.parts.length && (k.signed || unit === 0)) cur = null;
      if (!cur) open();
      if (k.signed && cur.parts.length) return { error: 'only the degrees may carry a sign' };
      if (k.signed) cur.signed = true;
      cur.parts.push({ v: k.v, s: k.s, unit });
    } else {
      return { error: 'a °, \' or " mark with no number before it' };
    }
  }
  // "31.5 -109.2" without letters is lat then lon; "31 30 00 109 12 00"
  // with no marks, letters or separators splits in half.
  if (coords.length === 1 && !coords[0].hemi && coords[0].parts.length % 2 === 0 && coords[0].parts.every((p) => p.unit === null)) {
    const all = coords[0].parts;
    const a = { parts: all.slice(0, all.length / 2), hemi: null, signed: /^[+-]/.test(all[0].s) };
    const b = { parts: all.slice(all.length / 2), hemi: null, signed: /^[+-]/.test(all[all.length / 2].s) };
    coords.splice(0, 1, a, b);
  }
  if (coords.length !== 2) return { error: `expected a latitude and a longitude, read ${coords.length} value${coords.length === 1 ? '' : 's'}` };

  const values = [];
  for (const c of coords) {
    const v = coordValue(c);
    if (v.error) return v;
    values.push(v);
  }
  // Which is which: hemisphere letters decide; unlettered values are
  // latitude first.
  const axis = values.map((v) => (v.hemi === 'N' || v.hemi === 'S' ? 'lat' : v.hemi === 'E' || v.hemi === 'W' ? 'lon' : null));
  if (axis[0] && axis[0] === axis[1]) return { error: `two ${axis[0] === 'lat' ? 'latitudes (N/S)' : 'longitudes (E/W)'} given` };
  if (!axis[0]) axis[0] = axis[1] === 'lat' ? 'lon' : 'lat';
  if (!axis[1]) axis[1] = axis[0] === 'lat' ? 'lon' : 'lat';
  const lat = axis[0] === 'lat' ? values[0].deg : values[1].deg;
  const lon = axis[0] === 'lon' ? values[0].deg : values[1].deg;
  if (!finite(lat) || !finite(lon)) return { error: 'not a number' };
  if (Math.abs(lat) > 90) return { error: `latitude ${round(lat)} is beyond 90°` };
  if (Math.abs(lon) > 180) return { error: `longitude ${round(lon)} is beyond 180°` };
  return { lat, lon, label: formatLatLon(lat, lon) };
}

function round(x) {
  return Number(x.toFixed(5));
}

// One coordinate's parts (degrees[, minutes[, seconds]]) → signed degrees.
function coordValue(c) {
  const { parts, hemi, signed } = c;
  if (!parts.length) return { error: `hemisphere letter ${hemi} has no number after it` };
  if (parts.length > 3) return { error: 'more than degrees, minutes and seconds in one value' };
  // Marks fix each part's place; unmarked parts follow on from the last.
  let expect = 0;
  const slot = [null, null, null];
  for (const p of parts) {
    const u = p.unit === null ? expect : p.unit;
    if (u < expect || u > 2) return { error: 'degrees, minutes and seconds out of order' };
    slot[u] = p;
    expect = u + 1;
  }
  if (!slot[0]) return { error: 'minutes or seconds without degrees' };
  if (slot[2] && !slot[1]) return { error: 'seconds without minutes' };
  const used = slot.filter(Boolean);
  // Only the last part given may have a fraction: "31.5 30" is a typo.
  for (let i = 0; i < used.length - 1; i++) {
    if (!Number.isInteger(used[i].v)) return { error: 'only the last of degrees, minutes, seconds may have decimals' };
  }
  if (slot[1] && (slot[1].v < 0 || slot[1].v >= 60)) return { error: `minutes ${slot[1].s} not under 60` };
  if (slot[2] && (slot[2].v < 0 || slot[2].v >= 60)) return { error: `seconds ${slot[2].s} not under 60` };
  if (signed && hemi) return { error: 'use a sign or a hemisphere letter, not both' };
  const d0 = slot[0].v;
  const mag = Math.abs(d0) + (slot[1] ? slot[1].v / 60 : 0) + (slot[2] ? slot[2].v / 3600 : 0);
  const negative = d0 < 0 || Object.is(d0, -0) || hemi === 'S' || hemi === 'W';
  return { deg: negative ? -mag : mag, hemi };
}
