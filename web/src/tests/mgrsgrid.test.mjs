// Tests of src/utm.js and src/mgrsgrid.js: the UTM projection against
// itself and the mgrs package, grid lines on the right metres, squares with
// the right letters, and the per-call bounds on big views.
import test from 'node:test';
import assert from 'node:assert/strict';
import mgrs from 'mgrs';
import { gridForward, utmForward, utmInverse, zoneCentralMeridian, zoneOf } from '../utm.js';
import { MAX_LABELS, MAX_LINES, gridLevel, mgrsGrid, squareId } from '../mgrsgrid.js';

// A reproducible stream of numbers in [0, 1).
function rng(seed) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function vertices(f) {
  return f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates;
}

test('UTM round trip within 1 mm over zones 10–15, both hemispheres, out to the zone edges', () => {
  const r = rng(1);
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const zone = 10 + (i % 6);
    const lat = -80 + r() * 164;
    const lon = zoneCentralMeridian(zone) + (r() - 0.5) * 6.4; // a little past the edges too
    const u = utmForward(lat, lon, zone);
    const p = utmInverse(zone, u.hemisphere, u.easting, u.northing);
    const v = utmForward(p.lat, p.lon, zone);
    worst = Math.max(worst, Math.hypot(v.easting - u.easting, v.northing - u.northing));
    // And in degrees: 1 mm is about 1e-8°.
    assert.ok(Math.abs(p.lat - lat) < 1e-8 && Math.abs(p.lon - lon) < 1e-8 / Math.max(0.05, Math.cos((lat * Math.PI) / 180)), `${lat},${lon}`);
  }
  assert.ok(worst < 1e-3, `worst ${worst} m`);
});

test('UTM known values: central meridian and the mgrs package', () => {
  // On the central meridian at 45°N, northing is k0 × the meridian arc,
  // 0.9996 × 4,984,944.378 m on WGS-84.
  const c = utmForward(45, 3);
  assert.equal(c.zone, 31);
  assert.ok(Math.abs(c.easting - 500000) < 1e-6);
  assert.ok(Math.abs(c.northing - 0.9996 * 4984944.378) < 0.01, String(c.northing));
  // The mgrs package truncates to whole metres; ours must land in that metre.
  const points = [
    [31.33012, -109.2],
    [32.22174, -110.92648],
    [29.4241, -98.4936],
    [21.3, -157.9],
    [-33.9, 18.4],
    [51.4779, -0.0015],
    [-45.87, 170.5],
    [64.1, -21.9],
  ];
  for (const [lat, lon] of points) {
    const u = utmForward(lat, lon);
    const m = /^(\d{1,2})([A-Z])([A-Z])([A-Z])(\d{5})(\d{5})$/.exec(mgrs.forward([lon, lat], 5));
    assert.ok(m, `${lat},${lon}`);
    assert.equal(Number(m[1]), u.zone);
    assert.equal(String(Math.floor(u.easting) % 100000).padStart(5, '0'), m[5], `easting ${lat},${lon}`);
    assert.equal(String(Math.floor(u.northing) % 100000).padStart(5, '0'), m[6], `northing ${lat},${lon}`);
    assert.equal(squareId(u.zone, Math.floor(u.easting / 1e5), Math.floor((u.hemisphere === 'S' ? u.northing - 1e7 : u.northing) / 1e5)), m[3] + m[4]);
  }
  assert.equal(zoneOf(-180), 1);
  assert.equal(zoneOf(180), 60);
  assert.equal(zoneOf(-109.2), 12);
});

test('grid level follows the zoom', () => {
  assert.equal(gridLevel(3), 'gzd');
  assert.equal(gridLevel(5.9), 'gzd');
  assert.equal(gridLevel(6), '100k');
  assert.equal(gridLevel(8.9), '100k');
  assert.equal(gridLevel(10), '10k');
  assert.equal(gridLevel(12), '1k');
  assert.equal(gridLevel(18), '1k');
});

test('zoom 10 near 31.3N 109.2W: 10 km lines lie on multiples of 10 km', () => {
  const bounds = { west: -109.8, south: 31.0, east: -108.6, north: 31.6 };
  const { lines, labels } = mgrsGrid(bounds, 10);
  const ten = lines.features.filter((f) => f.properties.kind === '10k');
  assert.ok(ten.length >= 10, `only ${ten.length} 10 km lines`);
  assert.ok(ten.some((f) => f.properties.axis === 'e') && ten.some((f) => f.properties.axis === 'n'));
  const lon0 = zoneCentralMeridian(12);
  let checked = 0;
  for (const f of ten) {
    assert.equal(f.properties.zone, 12);
    for (const piece of vertices(f)) {
      // Interior vertices are traced points; the two ends are cut at the view.
      for (const [lon, lat] of piece.slice(1, -1)) {
        const u = gridForward(lat, lon, lon0);
        const v = f.properties.axis === 'e' ? u.easting : u.northing;
        const off = Math.abs(v - Math.round(v / 10000) * 10000);
        assert.ok(off < 0.001, `${f.properties.axis} line off by ${off} m`);
        assert.ok(lon >= bounds.west && lon <= bounds.east && lat >= bounds.south && lat <= bounds.north);
        checked++;
      }
    }
  }
  assert.ok(checked > 100);
  // The mgrs package agrees on the kilometre digits of an easting line.
  const e = ten.find((f) => f.properties.axis === 'e');
  const [lon, lat] = vertices(e)[0][1];
  const m = mgrs.forward([lon, lat], 5);
  assert.match(m.slice(5, 10), /^(\d)(0000|9999)$/);
  // Line labels are two kilometre digits; square labels name the square.
  const digits = labels.features.filter((f) => f.properties.kind === '10k');
  assert.ok(digits.length > 5 && digits.every((f) => /^\d0$/.test(f.properties.text)));
  const squares = labels.features.filter((f) => f.properties.kind === '100k' && !f.properties.axis);
  assert.ok(squares.some((f) => f.properties.text === '12R XV'), squares.map((f) => f.properties.text).join());
});

test('1 km lines at zoom 13, labelled with two digits', () => {
  const { lines, labels } = mgrsGrid({ west: -109.3, south: 31.25, east: -109.1, north: 31.4 }, 13);
  const ones = lines.features.filter((f) => f.properties.kind === '1k');
  assert.ok(ones.length > 20);
  const lab = labels.features.filter((f) => f.properties.kind === '1k');
  assert.ok(lab.length > 10 && lab.every((f) => /^\d\d$/.test(f.properties.text)));
});

test('100 km square labels match the mgrs package', () => {
  for (const bounds of [
    { west: -125, south: 20, east: -95, north: 40 },
    { west: 170, south: -40, east: 190, north: 0 },
    { west: -10, south: 40, east: 20, north: 55 },
  ]) {
    const { lines, labels } = mgrsGrid(bounds, 7);
    assert.ok(lines.features.some((f) => f.properties.kind === '100k'));
    const sq = labels.features.filter((f) => f.properties.kind === '100k');
    assert.ok(sq.length > 50);
    for (const f of sq) {
      const [lon, lat] = f.geometry.coordinates;
      assert.equal(f.properties.text.replace(' ', ''), mgrs.forward([lon, lat], 0), `${lon},${lat}`);
    }
  }
});

test('GZD level: zone and band boundaries, labelled like 12R', () => {
  const { lines, labels } = mgrsGrid({ west: -120, south: 25, east: -100, north: 40 }, 4);
  assert.ok(lines.features.every((f) => f.properties.kind === 'gzd'));
  const meridians = lines.features.filter((f) => f.properties.axis === 'm').map((f) => f.geometry.coordinates[0][0]);
  assert.deepEqual(meridians.sort((a, b) => a - b), [-120, -114, -108, -102]); // -120 is the view's edge
  const texts = labels.features.map((f) => f.properties.text);
  for (const t of ['11R', '12R', '12S', '13R', '14S']) assert.ok(texts.includes(t), t);
});

test('world views and huge views stay within the per-call bounds', () => {
  const views = [
    { west: -180, south: -85, east: 180, north: 85 },
    { west: -540, south: -85.05, east: 540, north: 85.05 },
    { west: -200, south: -90, east: 200, north: 90 },
    { west: -120, south: -60, east: -100, north: 70 },
  ];
  for (const b of views) {
    for (const zoom of [0, 2, 6, 9, 12, 16]) {
      const t = Date.now();
      const { lines, labels } = mgrsGrid(b, zoom);
      assert.ok(lines.features.length > 0);
      assert.ok(lines.features.length <= MAX_LINES, `${lines.features.length} lines`);
      assert.ok(labels.features.length <= MAX_LABELS, `${labels.features.length} labels`);
      assert.ok(Date.now() - t < 2000, 'too slow');
      for (const f of labels.features) {
        const [lon, lat] = f.geometry.coordinates;
        assert.ok(Math.abs(lon) <= 180 && lat >= -80 && lat <= 84);
      }
    }
  }
});

test('views across the antimeridian give zones 60 and 1', () => {
  for (const b of [
    { west: 175, south: -20, east: -175, north: -10 },
    { west: 175, south: -20, east: 185, north: -10 },
  ]) {
    const { lines, labels } = mgrsGrid(b, 7);
    const zones = new Set(lines.features.filter((f) => f.properties.kind === '100k').map((f) => f.properties.zone));
    assert.deepEqual([...zones].sort((a, c) => a - c), [1, 60]);
    for (const f of lines.features) {
      for (const piece of vertices(f)) {
        for (let i = 1; i < piece.length; i++) {
          // No segment may jump across the map.
          assert.ok(Math.abs(piece[i][0] - piece[i - 1][0]) < 10, 'segment wraps the world');
        }
      }
    }
    assert.ok(labels.features.some((f) => f.properties.text.startsWith('60K')));
    assert.ok(labels.features.some((f) => f.properties.text.startsWith('1K')));
  }
});

test('bad bounds give empty collections, not an exception', () => {
  for (const b of [null, {}, { west: NaN, south: 0, east: 1, north: 1 }, { west: 0, south: 1, east: 1, north: 1 }, { west: 5, south: 0, east: 5, north: 1 }]) {
    const { lines, labels } = mgrsGrid(b, 8);
    assert.equal(lines.type, 'FeatureCollection');
    assert.equal(lines.features.length, 0);
    assert.equal(labels.features.length, 0);
  }
  // Polar views: only what lies within 80°S–84°N.
  const { lines } = mgrsGrid({ west: -10, south: 85, east: 10, north: 89 }, 8);
  assert.equal(lines.features.length, 0);
});
