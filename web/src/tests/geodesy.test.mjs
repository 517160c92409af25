// Tests of src/geodesy.js against the published Flinders Peak – Buninyong
// geodesic (Geoscience Australia's worked example of Vincenty's formulae),
// round trips of direct and inverse, and the text forms.
import test from 'node:test';
import assert from 'node:assert/strict';
import { bearingText, direct, distanceText, inverse, ring } from '../geodesy.js';

const dms = (d, m, s) => Math.sign(d) * (Math.abs(d) + m / 60 + s / 3600);
const FLINDERS = [dms(-37, 57, 3.7203), dms(144, 25, 29.5244)];
const BUNINYONG = [dms(-37, 39, 10.1561), dms(143, 55, 35.3839)];

test('inverse: the published geodesic to the millimetre and the arc-second', () => {
  const r = inverse(...FLINDERS, ...BUNINYONG);
  assert.ok(Math.abs(r.metres - 54972.271) < 0.002, `${r.metres}`);
  assert.ok(Math.abs(r.bearing - dms(306, 52, 5.37)) < 0.5 / 3600, `${r.bearing}`);
});

test('direct: goes back to the published end point', () => {
  const [lat, lon] = direct(...FLINDERS, dms(306, 52, 5.37), 54972.271);
  assert.ok(Math.abs(lat - BUNINYONG[0]) < 1e-7 && Math.abs(lon - BUNINYONG[1]) < 1e-7, `${lat} ${lon}`);
});

test('inverse and direct round-trip across the sector, and degenerate inputs', () => {
  for (const [b, d] of [[0, 1], [45, 1500], [90, 25000], [200, 180000], [359.9, 400000]]) {
    const [lat, lon] = direct(31.33, -109.2, b, d);
    const back = inverse(31.33, -109.2, lat, lon);
    assert.ok(Math.abs(back.metres - d) < 1e-4, `${b} ${d}: ${back.metres}`);
    assert.ok(Math.abs(((back.bearing - b + 540) % 360) - 180) < 1e-6, `${b}: ${back.bearing}`);
  }
  assert.deepEqual(inverse(31, -109, 31, -109), { metres: 0, bearing: 0 });
  assert.ok(Number.isNaN(inverse(NaN, 0, 0, 0).metres));
  // Nearly antipodal: the sphere answers where Vincenty does not converge.
  const anti = inverse(0, 0, 0.5, 179.7);
  assert.ok(Number.isFinite(anti.metres) && anti.metres > 19_900_000, `${anti.metres}`);
});

test('ring: every point of a circle is at its radius, and it is closed', () => {
  const pts = ring(31.33, -109.2, 5000);
  assert.deepEqual(pts[0], pts[pts.length - 1]);
  for (const [lon, lat] of pts) assert.ok(Math.abs(inverse(31.33, -109.2, lat, lon).metres - 5000) < 1e-3);
  // An ellipse turned 90°: its major axis runs east–west.
  const e = ring(31.33, -109.2, 2000, 500, 90, 4);
  assert.ok(Math.abs(inverse(31.33, -109.2, e[0][1], e[0][0]).bearing - 90) < 1e-6);
});

test('text: metres, km and NM; bearings as three digits true', () => {
  assert.equal(distanceText(742.4), '742 m (0.40 NM)');
  assert.equal(distanceText(12345), '12.35 km (6.67 NM)');
  assert.equal(distanceText(250000), '250.0 km (135.0 NM)');
  assert.equal(distanceText(NaN), '');
  assert.equal(bearingText(45), '045.0° T');
  assert.equal(bearingText(359.96), '000.0° T');
  assert.equal(bearingText(-90), '270.0° T');
});
