// The offline base map: a MapLibre style built in code from the world and US
// outlines shipped in the bundle, with an optional raster tile layer.
import { feature, mesh } from 'topojson-client';
import countriesTopo from 'world-atlas/countries-50m.json';
import statesTopo from 'us-atlas/states-10m.json';

const EMPTY = { type: 'FeatureCollection', features: [] };

/** A GeoJSON source with no features yet. */
export function emptySource() {
  return { type: 'geojson', data: EMPTY };
}

/** A graticule every `step` degrees as one MultiLineString. */
function graticule(step) {
  const lines = [];
  for (let lon = -180; lon <= 180; lon += step) {
    const l = [];
    for (let lat = -80; lat <= 80; lat += 2) l.push([lon, lat]);
    lines.push(l);
  }
  for (let lat = -80; lat <= 80; lat += step) {
    const l = [];
    for (let lon = -180; lon <= 180; lon += 2) l.push([lon, lat]);
    lines.push(l);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates: lines } };
}

/**
 * The style: background, optional raster tiles, land, borders, US states and
 * a graticule. The object layers are added on top by map.js. No `glyphs` or
 * `sprite`: nothing is fetched from anywhere.
 */
export function baseStyle(tiles) {
  const countries = feature(countriesTopo, countriesTopo.objects.countries);
  const borders = mesh(countriesTopo, countriesTopo.objects.countries, (a, b) => a !== b);
  const coast = mesh(countriesTopo, countriesTopo.objects.countries, (a, b) => a === b);
  const states = mesh(statesTopo, statesTopo.objects.states, (a, b) => a !== b);
  const sources = {
    countries: { type: 'geojson', data: countries, tolerance: 0.5 },
    borders: { type: 'geojson', data: borders },
    coast: { type: 'geojson', data: coast },
    states: { type: 'geojson', data: states },
    graticule: { type: 'geojson', data: graticule(10) },
  };
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#0a1520' } }];
  if (tiles && typeof tiles.url === 'string') {
    sources.tiles = {
      type: 'raster',
      tiles: [tiles.url],
      tileSize: 256,
      maxzoom: Number.isFinite(tiles.max_zoom) ? tiles.max_zoom : 19,
      attribution: tiles.attribution || '',
    };
    layers.push({ id: 'tiles', type: 'raster', source: 'tiles', paint: { 'raster-opacity': 0.85 } });
  } else {
    layers.push({ id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#17222d' } });
  }
  layers.push(
    { id: 'graticule', type: 'line', source: 'graticule', paint: { 'line-color': '#1d2c3a', 'line-width': 0.6 } },
    { id: 'coast', type: 'line', source: 'coast', paint: { 'line-color': '#4d6478', 'line-width': 1 } },
    { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#6b8296', 'line-width': 1.2 } },
    {
      id: 'states',
      type: 'line',
      source: 'states',
      minzoom: 3,
      paint: { 'line-color': '#4a5d6e', 'line-width': 0.8, 'line-dasharray': [3, 2] },
    },
  );
  return { version: 8, sources, layers };
}
