// The offline base map: a MapLibre style built in code from what the page
// ships (world, US state and county outlines, place names of the area of
// operations, an MGRS grid) and the tile archives the server offers
// (`--basemap`, `--web-tiles`). Nothing is fetched from anywhere else.
import { feature, mesh } from 'topojson-client';
import countriesTopo from 'world-atlas/countries-50m.json';
import statesTopo from 'us-atlas/states-10m.json';
import { counties, places } from 'virtual:places';
import { mgrsGrid } from './mgrsgrid.js';
import { textKey } from './symbols.js';

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

// Place tiers by population, and the zoom from which each is shown; the
// collision test thins within a tier, bigger places placed first.
const PLACE_TIERS = [
  { min: 500000, zoom: 0, tone: 'place1' },
  { min: 100000, zoom: 5, tone: 'place1' },
  { min: 25000, zoom: 7, tone: 'place2' },
  { min: 5000, zoom: 8.5, tone: 'place3' },
  { min: 0, zoom: 10, tone: 'place3' },
];

function placeFeatures() {
  const features = [];
  for (const [lon, lat, name, pop] of places) {
    const tier = PLACE_TIERS.findIndex((t) => pop >= t.min);
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties: { name, pop, tier, icon: textKey(PLACE_TIERS[tier].tone, name), k: -pop },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** Layer ids of each switchable part of the base map. */
export const BASE_GROUPS = {
  places: ['place-dots', ...PLACE_TIERS.map((_, i) => `place-labels-${i}`)],
  counties: ['counties'],
  grid: ['grid-lines', 'grid-labels'],
};

/** The base maps to choose from: outlines only, then each server archive and the imagery URL. */
export function basemapChoices(session) {
  const out = [{ id: 'outline', name: 'Outlines only', kind: 'outline' }];
  for (const b of Array.isArray(session.basemaps) ? session.basemaps : []) {
    if (b && typeof b.id === 'string') {
      // ATAK map sources are raster: a vector archive is for this page only.
      const mapsource = b.kind === 'raster' ? `/basemaps/${encodeURIComponent(b.id)}/mapsource.xml` : null;
      out.push({ ...b, id: `bm-${b.id}`, archive: b.id, name: b.name || b.id, mapsource });
    }
  }
  if (session.tiles && typeof session.tiles.url === 'string') out.push({ id: 'imagery', name: 'Imagery (--web-tiles)', kind: 'raster' });
  return out;
}

// A muted colour for a vector tile layer, by what its name says it holds.
function vectorColour(name) {
  const n = name.toLowerCase();
  if (/water|ocean|river|lake/.test(n)) return '#17395a';
  if (/park|landuse|landcover|wood|forest|grass/.test(n)) return '#1b2e22';
  if (/road|street|transport|highway|rail/.test(n)) return '#7a6a48';
  if (/building/.test(n)) return '#2e3540';
  if (/boundar|admin|border/.test(n)) return '#8296aa';
  return '#4a5868';
}

/** The layers that draw one vector archive: each tile layer as fills, lines and points. */
function vectorLayers(id, names) {
  const out = [];
  for (const name of names) {
    const c = vectorColour(name);
    const base = { source: id, 'source-layer': name, layout: { visibility: 'none' } };
    out.push(
      { ...base, id: `${id}-${name}-fill`, type: 'fill', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': c, 'fill-opacity': 0.8 } },
      { ...base, id: `${id}-${name}-line`, type: 'line', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': c, 'line-width': 1 } },
      { ...base, id: `${id}-${name}-point`, type: 'circle', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': c, 'circle-radius': 2 } },
    );
  }
  return out;
}

// Not `new URL()`: it would percent-encode the template's `{z}/{x}/{y}`.
const absolute = (url) => (url.startsWith('/') ? window.location.origin + url : url);

/**
 * The style: background, land, every offered base map (hidden until
 * chosen), counties, the graticule, coast, borders, states, the MGRS grid
 * and place names. The object layers are added on top by map.js. No
 * `glyphs` or `sprite`: text is drawn into images (symbols.js).
 */
export function baseStyle(session) {
  const countries = feature(countriesTopo, countriesTopo.objects.countries);
  const borders = mesh(countriesTopo, countriesTopo.objects.countries, (a, b) => a !== b);
  const coast = mesh(countriesTopo, countriesTopo.objects.countries, (a, b) => a === b);
  const states = mesh(statesTopo, statesTopo.objects.states, (a, b) => a !== b);
  const sources = {
    countries: { type: 'geojson', data: countries, tolerance: 0.5 },
    borders: { type: 'geojson', data: borders },
    coast: { type: 'geojson', data: coast },
    states: { type: 'geojson', data: states },
    counties: { type: 'geojson', data: counties },
    graticule: { type: 'geojson', data: graticule(10) },
    places: { type: 'geojson', data: placeFeatures() },
    'grid-lines': emptySource(),
    'grid-labels': emptySource(),
  };
  const layers = [
    { id: 'background', type: 'background', paint: { 'background-color': '#0a1520' } },
    { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#17222d' } },
  ];
  for (const b of basemapChoices(session)) {
    if (b.kind === 'outline') continue;
    const range = {
      minzoom: Number.isFinite(b.min_zoom) ? b.min_zoom : 0,
      maxzoom: Number.isFinite(b.max_zoom) ? b.max_zoom : 19,
      ...(Array.isArray(b.bounds) && b.bounds.length === 4 ? { bounds: b.bounds } : {}),
    };
    if (b.id === 'imagery') {
      const t = session.tiles;
      sources[b.id] = { type: 'raster', tiles: [t.url], tileSize: 256, maxzoom: Number.isFinite(t.max_zoom) ? t.max_zoom : 19, attribution: t.attribution || '' };
      layers.push({ id: b.id, type: 'raster', source: b.id, layout: { visibility: 'none' }, paint: { 'raster-opacity': 0.9 } });
    } else if (b.kind === 'vector') {
      sources[b.id] = { type: 'vector', tiles: [absolute(b.tiles)], ...range, attribution: b.attribution || '' };
      layers.push(...vectorLayers(b.id, Array.isArray(b.vector_layers) ? b.vector_layers : []));
    } else {
      sources[b.id] = { type: 'raster', tiles: [absolute(b.tiles)], tileSize: 256, ...range, attribution: b.attribution || '' };
      layers.push({ id: b.id, type: 'raster', source: b.id, layout: { visibility: 'none' } });
    }
  }
  layers.push(
    { id: 'counties', type: 'line', source: 'counties', minzoom: 6, paint: { 'line-color': '#3e4f5e', 'line-width': 0.7, 'line-dasharray': [2, 2] } },
    { id: 'graticule', type: 'line', source: 'graticule', paint: { 'line-color': '#1d2c3a', 'line-width': 0.6 } },
    { id: 'coast', type: 'line', source: 'coast', paint: { 'line-color': '#4d6478', 'line-width': 1 } },
    { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#8aa2b6', 'line-width': 1.6 } },
    {
      id: 'states',
      type: 'line',
      source: 'states',
      minzoom: 3,
      paint: { 'line-color': '#5a6e80', 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: 'grid-lines',
      type: 'line',
      source: 'grid-lines',
      layout: { visibility: 'none' },
      paint: {
        'line-color': ['match', ['get', 'kind'], 'gzd', '#c8f0a0', '100k', '#8fd68f', '#5fa56a'],
        'line-width': ['match', ['get', 'kind'], 'gzd', 1.6, '100k', 1.2, 0.8],
        'line-opacity': 0.75,
      },
    },
    { id: 'place-dots', type: 'circle', source: 'places', filter: ['==', ['get', 'tier'], -1], paint: { 'circle-radius': 2.5, 'circle-color': '#e8dcb8', 'circle-stroke-color': '#000', 'circle-stroke-width': 1 } },
  );
  // Bigger places above: MapLibre places the upper layer's labels first.
  for (let i = PLACE_TIERS.length - 1; i >= 0; i--) {
    layers.push({
      id: `place-labels-${i}`,
      type: 'symbol',
      source: 'places',
      minzoom: PLACE_TIERS[i].zoom,
      filter: ['==', ['get', 'tier'], i],
      layout: { 'icon-image': ['get', 'icon'], 'icon-anchor': 'left', 'icon-offset': [4, 0], 'symbol-sort-key': ['get', 'k'], 'icon-padding': 2 },
    });
  }
  layers.push({
    id: 'grid-labels',
    type: 'symbol',
    source: 'grid-labels',
    layout: { visibility: 'none', 'icon-image': ['get', 'icon'], 'icon-anchor': 'center', 'icon-padding': 0 },
  });
  return { version: 8, sources, layers };
}

/** The place dots follow the labels' zoom tiers. */
function placeDotFilter(zoom) {
  let tier = 0;
  for (let i = 0; i < PLACE_TIERS.length; i++) if (zoom >= PLACE_TIERS[i].zoom) tier = i;
  return ['<=', ['get', 'tier'], tier];
}

/**
 * Keeps the parts of the base map that follow the view up to date: the
 * MGRS grid (recomputed for the view when it moves, while shown) and the
 * place dots' zoom tiers. Call once the style has loaded.
 */
export function addOverlays(map) {
  const update = () => {
    map.setFilter('place-dots', placeDotFilter(map.getZoom()));
    if (map.getLayoutProperty('grid-lines', 'visibility') !== 'visible') return;
    const b = map.getBounds();
    const { lines, labels } = mgrsGrid({ west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() }, map.getZoom());
    for (const f of labels.features) f.properties.icon = textKey('grid', f.properties.text);
    map.getSource('grid-lines').setData(lines);
    map.getSource('grid-labels').setData(labels);
  };
  map.on('moveend', update);
  map.__wfBaseUpdate = update;
  update();
}

/** Shows or hides a part of the base map (`BASE_GROUPS`). */
export function setGroupVisible(map, group, on) {
  for (const id of BASE_GROUPS[group] || []) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  if (group === 'grid' && on && map.__wfBaseUpdate) map.__wfBaseUpdate();
}

/** Shows one base map of `choices` (by id) and hides the others. */
export function setBasemap(map, choices, id) {
  const style = map.getStyle();
  for (const c of choices) {
    if (c.kind === 'outline') continue;
    const on = c.id === id;
    // A base map's layers are those drawing its source.
    for (const l of style.layers) if (l.source === c.id) map.setLayoutProperty(l.id, 'visibility', on ? 'visible' : 'none');
  }
}
