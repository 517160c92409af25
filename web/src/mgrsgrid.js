// The MGRS grid for the map's view, as GeoJSON for a MapLibre line layer and
// a label layer. Pure: bounds and zoom in, FeatureCollections out, so it can
// be recomputed on every `moveend` and tested without a map.
//
// What is drawn follows the zoom: grid zone designations (6° × 8° zones and
// bands, "12R") when zoomed out, then 100 km squares ("12R XV"), then 10 km
// and 1 km lines labelled with their kilometre digits. Finer levels keep the
// coarser lines (tagged with the coarser kind) so the squares stay visible.
//
// Grid lines are true UTM lines: easting lines traced north–south and
// northing lines traced east–west in each zone's own projection, then cut
// at the zone's meridians, so they bend and meet the zone boundary as on a
// paper map. Limits, stated plainly: the standard 6° zones only (the
// Norway 32V and Svalbard 31X–37X exceptions are not drawn), and nothing
// beyond 80°S–84°N, where MGRS uses the polar (UPS) grid instead.
import { gridForward, gridInverse, zoneCentralMeridian } from './utm.js';

/** Most line features one call returns; the level coarsens rather than exceed it. */
export const MAX_LINES = 2000;
/** Most label features one call returns. */
export const MAX_LABELS = 2000;

const UTM_SOUTH = -80;
const UTM_NORTH = 84;
const BANDS = 'CDEFGHJKLMNPQRSTUVWX';
// 100 km square letters: columns cycle through three sets by zone, rows
// through 20 letters, offset by 5 in even zones (the current, "AA", scheme).
const COLUMN_SETS = ['ABCDEFGH', 'JKLMNPQR', 'STUVWXYZ'];
const ROWS = 'ABCDEFGHJKLMNPQRSTUV';

// Levels, coarse to fine: the line spacing in metres (GZD has none).
const LEVELS = [
  { kind: 'gzd', step: 0 },
  { kind: '100k', step: 100000 },
  { kind: '10k', step: 10000 },
  { kind: '1k', step: 1000 },
];

/** The grid level shown at a zoom: 'gzd' below 6, '100k' to 9, '10k' to 12, then '1k'. */
export function gridLevel(zoom) {
  if (!(zoom >= 6)) return 'gzd';
  if (zoom < 9) return '100k';
  if (zoom < 12) return '10k';
  return '1k';
}

const EMPTY = () => ({ type: 'FeatureCollection', features: [] });

/**
 * The MGRS grid for a view. `bounds` is {west, south, east, north} in
 * degrees, as MapLibre's LngLatBounds gives them: west may exceed east or
 * east exceed 180 across the antimeridian, and a span of 360° or more is the
 * whole world. Returns {lines, labels}, two FeatureCollections. Lines carry
 * `kind` ('gzd' | '100k' | '10k' | '1k'), `zone` and `axis` ('e' easting,
 * 'n' northing, 'm'/'p' GZD meridian/parallel); labels carry `kind` and
 * `text` ("12R", "12R XV", or two kilometre digits "23"). At most
 * MAX_LINES lines and MAX_LABELS labels: a view too big for its zoom's
 * level is drawn at a coarser level instead.
 */
export function mgrsGrid(bounds, zoom) {
  const lines = EMPTY();
  const labels = EMPTY();
  const view = viewOf(bounds);
  if (!view) return { lines, labels };
  const regions = zoneRegions(view);
  let level = LEVELS.findIndex((l) => l.kind === gridLevel(zoom));
  while (level > 0) {
    const est = estimate(regions, LEVELS[level].step, level);
    if (est.lines + gzdLineCount(view) <= MAX_LINES && est.labels <= MAX_LABELS) break;
    level--;
  }
  const out = { lines: lines.features, labels: labels.features };
  addGzdLines(view, out);
  if (level === 0) {
    addGzdLabels(view, out);
  } else {
    for (const r of regions) addZoneGrid(r, LEVELS[level].step, out);
  }
  return { lines, labels };
}

// ---------------------------------------------------------------- the view

// Bounds → {intervals: [[west, east], …] within −180..180, south, north}.
function viewOf(b) {
  if (!b) return null;
  const { west, east } = b;
  let { south, north } = b;
  if (![west, south, east, north].every((x) => typeof x === 'number' && Number.isFinite(x))) return null;
  south = Math.max(-90, south);
  north = Math.min(90, north);
  if (!(north > south)) return null;
  let width = east - west;
  if (width < 0) width += 360; // west > east: the view crosses the antimeridian
  if (width === 0) return null;
  if (width >= 360) return { intervals: [[-180, 180]], south, north };
  const w = mod(west + 180, 360) - 180;
  const e = w + width;
  const intervals = e <= 180 ? [[w, e]] : [[w, 180], [-180, e - 360]];
  return { intervals, south, north };
}

function mod(a, n) {
  return ((a % n) + n) % n;
}

// One region per UTM zone (and view interval) in sight: the zone's 6°
// strip cut to the view and to 80°S–84°N, with its extent in grid metres.
function zoneRegions(view) {
  const south = Math.max(UTM_SOUTH, view.south);
  const north = Math.min(UTM_NORTH, view.north);
  const regions = [];
  if (!(north > south)) return regions;
  for (const [a, b] of view.intervals) {
    const first = Math.max(1, Math.floor((a + 180) / 6) + 1);
    const last = Math.min(60, Math.ceil((b + 180) / 6));
    for (let zone = first; zone <= last; zone++) {
      const zw = -186 + 6 * zone;
      const west = Math.max(a, zw);
      const east = Math.min(b, zw + 6);
      if (!(east > west)) continue;
      const r = { zone, lon0: zoneCentralMeridian(zone), west, east, south, north };
      r.ext = extent(r);
      regions.push(r);
    }
  }
  return regions;
}

// A lon/lat box's extent in grid metres. Easting and northing are harmonic
// functions of (isometric) position, so their extremes lie on the box's
// edge: sampling the edge is enough.
function extent(r) {
  let emin = Infinity;
  let emax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  const n = 24;
  const take = (lat, lon) => {
    const { easting, northing } = gridForward(lat, lon, r.lon0);
    emin = Math.min(emin, easting);
    emax = Math.max(emax, easting);
    ymin = Math.min(ymin, northing);
    ymax = Math.max(ymax, northing);
  };
  for (let i = 0; i <= n; i++) {
    const lon = r.west + ((r.east - r.west) * i) / n;
    const lat = r.south + ((r.north - r.south) * i) / n;
    take(r.south, lon);
    take(r.north, lon);
    take(lat, r.west);
    take(lat, r.east);
  }
  // The edge samples can miss an extreme between them by a little; pad so
  // lines reach the edge rather than stop short of it.
  const pe = (emax - emin) * 0.01 + 1;
  const py = (ymax - ymin) * 0.01 + 1;
  return { emin: emin - pe, emax: emax + pe, ymin: ymin - py, ymax: ymax + py };
}

function inside(r, lon, lat) {
  return lon >= r.west && lon <= r.east && lat >= r.south && lat <= r.north;
}

// How many lines and labels a level would give, before making any.
function estimate(regions, step, level) {
  let lines = 0;
  let labels = 0;
  for (const r of regions) {
    const { emin, emax, ymin, ymax } = r.ext;
    const ne = Math.max(0, Math.floor(emax / step) - Math.ceil(emin / step) + 1);
    const nn = Math.max(0, Math.floor(ymax / step) - Math.ceil(ymin / step) + 1);
    lines += ne + nn;
    const squares = (Math.floor(emax / 1e5) - Math.floor(emin / 1e5) + 1) * (Math.floor(ymax / 1e5) - Math.floor(ymin / 1e5) + 1);
    labels += level === 1 ? squares : ne + nn + squares;
  }
  return { lines, labels };
}

// ------------------------------------------------------- grid zone lines

const GZD_PARALLELS = [...Array(20).keys()].map((i) => -80 + 8 * i).concat([84]);

function gzdLineCount(view) {
  return 60 * view.intervals.length + GZD_PARALLELS.length * view.intervals.length;
}

function addGzdLines(view, out) {
  const south = Math.max(UTM_SOUTH, view.south);
  const north = Math.min(UTM_NORTH, view.north);
  if (!(north > south)) return;
  for (const [a, b] of view.intervals) {
    // Zone meridians: straight on the map, two points do.
    for (let k = 0; k < 60; k++) {
      const lon = -180 + 6 * k;
      if (lon < a || lon > b) continue;
      pushLine(out, { kind: 'gzd', axis: 'm', zone: k + 1 }, [[[lon, south], [lon, north]]]);
    }
    // Band parallels, with a vertex every degree or so, so that a globe
    // projection bends them along the parallel, not a great circle.
    for (const lat of GZD_PARALLELS) {
      if (lat < south || lat > north) continue;
      const n = Math.max(2, Math.ceil(b - a));
      const pts = [];
      for (let i = 0; i <= n; i++) pts.push([a + ((b - a) * i) / n, lat]);
      pushLine(out, { kind: 'gzd', axis: 'p' }, [pts]);
    }
  }
}

function addGzdLabels(view, out) {
  for (const [a, b] of view.intervals) {
    for (let zone = Math.max(1, Math.floor((a + 180) / 6) + 1); zone <= Math.min(60, Math.ceil((b + 180) / 6)); zone++) {
      const zw = -186 + 6 * zone;
      const w = Math.max(a, zw);
      const e = Math.min(b, zw + 6);
      if (!(e > w)) continue;
      for (let i = 0; i < BANDS.length; i++) {
        const bs = -80 + 8 * i;
        const bn = i === BANDS.length - 1 ? 84 : bs + 8;
        const s = Math.max(bs, view.south);
        const n = Math.min(bn, view.north);
        if (!(n > s)) continue;
        // The middle of the part in view, so that the label is on screen.
        pushLabel(out, { kind: 'gzd', text: `${zone}${BANDS[i]}`, zone }, (w + e) / 2, (s + n) / 2);
      }
    }
  }
}

// ------------------------------------------------------------ UTM lines

function kindOf(metres) {
  if (metres % 100000 === 0) return '100k';
  if (metres % 10000 === 0) return '10k';
  return '1k';
}

// Two kilometre digits within the 100 km square, as printed on map margins.
function kmDigits(metres) {
  return String(Math.floor(mod(metres, 100000) / 1000)).padStart(2, '0');
}

// Vertices per traced line: two per grid step, 16 to 96, which keeps a
// chord within half a pixel of the true curve at the zoom each level is
// shown (measured: under 200 m for 100 km lines at 84°N, centimetres for
// 1 km lines) and the work small.
function segments(range, step) {
  return Math.max(16, Math.min(96, Math.ceil((2 * range) / step)));
}

function addZoneGrid(r, step, out) {
  const { emin, emax, ymin, ymax } = r.ext;
  const labelled = step < 100000;
  const insetY = (ymax - ymin) * 0.03;
  const insetE = (emax - emin) * 0.03;
  // Easting lines, south to north.
  const ns = segments(ymax - ymin, step);
  for (let k = Math.ceil(emin / step); k <= Math.floor(emax / step); k++) {
    const e = k * step;
    const pts = [];
    for (let i = 0; i <= ns; i++) pts.push(point(r, e, ymin + ((ymax - ymin) * i) / ns));
    const pieces = clip(pts, r);
    if (!pieces.length) continue;
    const kind = kindOf(e);
    if (!pushLine(out, { kind, axis: 'e', zone: r.zone }, pieces)) return;
    if (labelled) {
      // Just in from where the line enters the view at the bottom.
      const [lon, lat] = pieces[0][0];
      const y0 = gridForward(lat, lon, r.lon0).northing;
      const [plon, plat] = point(r, e, y0 + insetY);
      if (inside(r, plon, plat)) pushLabel(out, { kind, text: kmDigits(e), axis: 'e', zone: r.zone }, plon, plat);
    }
  }
  // Northing lines, west to east.
  const ne = segments(emax - emin, step);
  for (let k = Math.ceil(ymin / step); k <= Math.floor(ymax / step); k++) {
    const y = k * step;
    const pts = [];
    for (let i = 0; i <= ne; i++) pts.push(point(r, emin + ((emax - emin) * i) / ne, y));
    const pieces = clip(pts, r);
    if (!pieces.length) continue;
    const kind = kindOf(y);
    if (!pushLine(out, { kind, axis: 'n', zone: r.zone }, pieces)) return;
    if (labelled) {
      const [lon, lat] = pieces[0][0];
      const e0 = gridForward(lat, lon, r.lon0).easting;
      const [plon, plat] = point(r, e0 + insetE, y);
      if (inside(r, plon, plat)) pushLabel(out, { kind, text: kmDigits(y), axis: 'n', zone: r.zone }, plon, plat);
    }
  }
  addSquareLabels(r, out);
}

// Grid metres → [lon, lat], the longitude kept beside the zone's central
// meridian (not wrapped to −180..180) so zone 60's points east of 180° stay
// east and the clipper never sees a jump of 360°.
function point(r, e, y) {
  const { lat, lon } = gridInverse(e, y, r.lon0);
  return [r.lon0 + (mod(lon - r.lon0 + 180, 360) - 180), lat];
}

// One label per 100 km square in sight, at the middle of its part in view.
function addSquareLabels(r, out) {
  const { emin, emax, ymin, ymax } = r.ext;
  for (let i = Math.floor(emin / 1e5); i <= Math.floor(emax / 1e5); i++) {
    for (let j = Math.floor(ymin / 1e5); j <= Math.floor(ymax / 1e5); j++) {
      let at = point(r, (i + 0.5) * 1e5, (j + 0.5) * 1e5);
      if (!inside(r, at[0], at[1])) {
        // Cut by the view or the zone edge: average a few points inside.
        let n = 0;
        let slon = 0;
        let slat = 0;
        for (let a = 0; a < 5; a++) {
          for (let b = 0; b < 5; b++) {
            const p = point(r, (i + (a + 0.5) / 5) * 1e5, (j + (b + 0.5) / 5) * 1e5);
            if (inside(r, p[0], p[1])) {
              n++;
              slon += p[0];
              slat += p[1];
            }
          }
        }
        if (!n) continue;
        at = [slon / n, slat / n];
      }
      const id = squareId(r.zone, i, j);
      if (!id) continue;
      const band = BANDS[Math.min(BANDS.length - 1, Math.max(0, Math.floor((at[1] + 80) / 8)))];
      if (!pushLabel(out, { kind: '100k', text: `${r.zone}${band} ${id}`, zone: r.zone }, at[0], at[1])) return;
    }
  }
}

/**
 * The two letters of the 100 km square in `zone` whose south-west corner is
 * (`col` × 100 km easting, `row` × 100 km signed northing), e.g. "XV"; null
 * for a column outside the zone's 1–8.
 */
export function squareId(zone, col, row) {
  if (col < 1 || col > 8) return null;
  const c = COLUMN_SETS[(zone - 1) % 3][col - 1];
  // Southern northings carry a 10,000 km false northing: a multiple of the
  // 20-row cycle (2,000 km), so the signed row indexes the same letters.
  const rr = ROWS[mod(row + (zone % 2 === 0 ? 5 : 0), 20)];
  return c + rr;
}

// ------------------------------------------------------------- features

function pushLine(out, properties, pieces) {
  if (out.lines.length >= MAX_LINES) return false;
  const geometry = pieces.length === 1 ? { type: 'LineString', coordinates: pieces[0] } : { type: 'MultiLineString', coordinates: pieces };
  out.lines.push({ type: 'Feature', properties, geometry });
  return true;
}

function pushLabel(out, properties, lon, lat) {
  if (out.labels.length >= MAX_LABELS) return false;
  // Back into −180..180 for MapLibre (zone 60's points may sit past 180).
  const l = mod(lon + 180, 360) - 180;
  out.labels.push({ type: 'Feature', properties, geometry: { type: 'Point', coordinates: [lon === 180 ? 180 : l, lat] } });
  return true;
}

// Cuts a polyline to the region's lon/lat box (Liang–Barsky per segment),
// returning the pieces inside. The vertices are close enough that a
// straight cut between two of them is on the curve to well under a pixel.
function clip(pts, r) {
  const pieces = [];
  let cur = null;
  for (let i = 0; i + 1 < pts.length; i++) {
    const seg = clipSegment(pts[i], pts[i + 1], r);
    if (!seg) {
      cur = null;
      continue;
    }
    const [p, q, enters, leaves] = seg;
    if (!cur || enters) {
      cur = [p];
      pieces.push(cur);
    }
    cur.push(q);
    if (leaves) cur = null;
  }
  return pieces.filter((p) => p.length >= 2);
}

function clipSegment(a, b, r) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  const edges = [
    [-dx, a[0] - r.west],
    [dx, r.east - a[0]],
    [-dy, a[1] - r.south],
    [dy, r.north - a[1]],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > t1) return null;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return null;
      if (t < t1) t1 = t;
    }
  }
  const at = (t) => (t === 0 ? a : t === 1 ? b : [a[0] + dx * t, a[1] + dy * t]);
  return [at(t0), at(t1), t0 > 0, t1 < 1];
}
