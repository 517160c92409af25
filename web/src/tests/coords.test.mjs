// Tests of src/coords.js: formatting, every accepted input form, round
// trips, and that garbage gives {error} without throwing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { formatDms, formatLatLon, formatMgrs, parseLocation } from '../coords.js';

// About 1 m in degrees of latitude: what 5 decimals or 1 m MGRS resolve.
const METRE = 1 / 111000;

function near(r, lat, lon, tol = 1e-9) {
  assert.ok(!r.error, `unexpected error: ${r.error}`);
  assert.ok(Math.abs(r.lat - lat) <= tol, `lat ${r.lat} vs ${lat}`);
  assert.ok(Math.abs(r.lon - lon) <= tol, `lon ${r.lon} vs ${lon}`);
}

test('formatLatLon: decimal degrees with hemisphere letters', () => {
  assert.equal(formatLatLon(31.33012, -109.2), '31.33012 N 109.20000 W');
  assert.equal(formatLatLon(-33.9, 18.4), '33.90000 S 18.40000 E');
  assert.equal(formatLatLon(-0.000001, 0), '0.00000 N 0.00000 E');
  assert.equal(formatLatLon(NaN, 0), '');
});

test('formatDms: degrees, minutes, tenths of seconds', () => {
  assert.equal(formatDms(31.33012, -109.2), `31°19'48.4"N 109°12'00.0"W`);
  assert.equal(formatDms(-33.5, 151.25), `33°30'00.0"S 151°15'00.0"E`);
  // 59.99" rounds up into the next minute, never to 60.0".
  assert.equal(formatDms(10 + 59 / 60 + 59.99 / 3600, 0), `11°00'00.0"N 0°00'00.0"E`);
  assert.equal(formatDms(undefined, 0), '');
});

test('formatMgrs: spaced, any precision, empty beyond MGRS latitudes', () => {
  assert.equal(formatMgrs(31.33012, -109.2), '12R XV 71257 67587');
  assert.equal(formatMgrs(31.33012, -109.2, 2), '12R XV 71 67');
  assert.equal(formatMgrs(31.33012, -109.2, 0), '12R XV');
  assert.equal(formatMgrs(21.3, -157.9, 3), formatMgrs(21.3, -157.9, 3).replace(/\s+/g, ' '));
  assert.match(formatMgrs(21.3, -157.9), /^4Q [A-Z]{2} \d{5} \d{5}$/);
  assert.equal(formatMgrs(84.5, 0), '');
  assert.equal(formatMgrs(-80.5, 0), '');
  assert.equal(formatMgrs(NaN, 0), '');
});

test('parseLocation: MGRS, spaced or not, any precision, any case', () => {
  const full = parseLocation('12RXV1234567890');
  assert.equal(full.label, '12R XV 12345 67890');
  near(parseLocation('12R XV 12345 67890'), full.lat, full.lon);
  near(parseLocation('12rxv1234567890'), full.lat, full.lon);
  near(parseLocation('  12r xv 12345 67890 '), full.lat, full.lon);
  for (const s of ['12RXV', '12RXV16', '12R XV 123 678', '12RXV12346789', '12R XV 1234 6789']) {
    const r = parseLocation(s);
    assert.ok(!r.error, `${s}: ${r.error}`);
    // Each coarser reference is within its square of the 1 m one.
    assert.ok(Math.abs(r.lat - full.lat) < 1, s);
    assert.ok(Math.abs(r.lon - full.lon) < 1.1, s);
  }
  near(parseLocation('4QFJ1234567890'), parseLocation('4Q FJ 12345 67890').lat, parseLocation('4Q FJ 12345 67890').lon);
  // Southern hemisphere and Norway's widened 32V.
  assert.ok(!parseLocation('34H BH 59583 45888').error);
  assert.ok(!parseLocation('32V KM 12 34').error);
});

test('parseLocation: decimal degrees in each accepted form', () => {
  for (const s of ['31.5, -109.2', '31.5 -109.2', '31.5,-109.2', '+31.5 -109.2', '31.5N 109.2W', '31.5 N 109.2 W', '31.5n 109.2w', 'N31.5 W109.2', 'N 31.5, W 109.2', '109.2W 31.5N', '31.5N, 109.2W']) {
    near(parseLocation(s), 31.5, -109.2);
  }
  near(parseLocation('-33.9, 18.4'), -33.9, 18.4);
  near(parseLocation('S33.9 E18.4'), -33.9, 18.4);
  near(parseLocation('0 0'), 0, 0);
  near(parseLocation('90, 180'), 90, 180);
});

test('parseLocation: degrees-minutes-seconds and degrees-minutes', () => {
  near(parseLocation(`31°30'00"N 109°12'00"W`), 31.5, -109.2);
  near(parseLocation('31 30 00 N 109 12 00 W'), 31.5, -109.2);
  near(parseLocation('31 30 00N 109 12 00W'), 31.5, -109.2);
  near(parseLocation(`N31°30'00" W109°12'00"`), 31.5, -109.2);
  near(parseLocation(`31°30.5'N 109°12.25'W`), 31 + 30.5 / 60, -(109 + 12.25 / 60));
  near(parseLocation(`31°19'48"N 109°12'W`), 31.33, -109.2);
  near(parseLocation(`31º 30' 00'' N 109º 12' 00'' W`), 31.5, -109.2);
  near(parseLocation('31°30′00″N 109°12′00″W'), 31.5, -109.2);
  near(parseLocation(`-31°30' 109°12'`), -31.5, 109.2);
  near(parseLocation(`33°51'35.9"S 151°12'40.0"E`), -(33 + 51 / 60 + 35.9 / 3600), 151 + 12 / 60 + 40 / 3600);
});

test('round trips: formatted text parses back to the same place', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 300; i++) {
    const lat = -79.9 + rand() * 163.8;
    const lon = -179.9 + rand() * 359.8;
    near(parseLocation(formatLatLon(lat, lon)), lat, lon, 0.6e-5);
    near(parseLocation(formatDms(lat, lon)), lat, lon, 0.06 / 3600);
    const m = formatMgrs(lat, lon);
    const r = parseLocation(m);
    assert.ok(!r.error, `${m}: ${r.error}`);
    // 1 m MGRS truncates, so back within ~1.5 m.
    assert.ok(Math.abs(r.lat - lat) < 1.5 * METRE, `${m} lat`);
    assert.ok(Math.abs(r.lon - lon) * Math.cos((lat * Math.PI) / 180) < 1.5 * METRE, `${m} lon`);
    assert.equal(formatMgrs(r.lat, r.lon), m);
    assert.equal(r.label, m);
  }
});

test('parseLocation: garbage gives {error} and never throws', () => {
  const garbage = [
    '', '   ', '12Z', '999 999', 'N95 W10', 'S91 E0', '0 181', '0, -180.5', 'abc', 'hello world',
    '31.5', '31.5 -109.2 4', '31.5N 31.5S', '109W 10E', 'N31.5 109.2W', '-31.5S 10E', '31 60 00 N 109 00 00 W',
    '31 30 60 N 109 00 00 W', `31'30°N 109°W`, `31"N 109°W`, '31.5.5 10', ', 31 10', '31,, 10', 'N', 'NS 10 10',
    '12R', '12RXV123', '12RXV12345678901', '61RXV1234', '0RXV1234', '12IXV1234', '12RIV1234', '12ROV12', '12RAV1234',
    '12RXZ1234', '12RXM0000099999x', '12AXV12', '12R XV 12345 6789', '--31 10', '31 +-10', '+', '-', '.', '°', `''`,
    '1 2 3 4 5 6 7 8', 'NaN NaN', 'Infinity 0', '0x1F 10', '31.5 -109.2;', 'N 31.5 W', '3I.5 1O9.2', '31.5 @ -109.2',
    '\u0000\u0001\u0002', '🙂 31 10', '31 10 🙂', 'DROP TABLE', '<script>', null, undefined, 42, {}, [],
  ];
  // And random bytes, reproducibly.
  let seed = 12345;
  const byte = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) >> 16) & 255;
  for (let i = 0; i < 200; i++) {
    const n = 4 + (i % 20);
    let s = '';
    for (let j = 0; j < n; j++) s += String.fromCharCode(byte());
    garbage.push(s);
  }
  assert.ok(garbage.length > 30);
  for (const g of garbage) {
    let r;
    assert.doesNotThrow(() => {
      r = parseLocation(g);
    }, JSON.stringify(g));
    assert.ok(r && typeof r.error === 'string' && r.error.length > 0, `${JSON.stringify(g)} gave ${JSON.stringify(r)}`);
    assert.ok(!r.error.includes('\n'), `one line: ${r.error}`);
  }
});
