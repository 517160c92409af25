// The MapLibre map and the object layers: one GeoJSON source and one symbol
// layer for all objects, lines for trails and speed leaders, circles for
// emergencies, alerts and the selection. Sources are rebuilt at most ~3 times
// a second however fast deltas come.
import { Map as MlMap, NavigationControl, ScaleControl, AttributionControl, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { addOverlays, baseStyle, emptySource } from './basemap.js';
import { imageKey, makeImage, textKey } from './symbols.js';
import { isStale } from './state.js';
import { ring } from './geodesy.js';

// MapLibre finds its worker next to its own module, which Vite's bundle
// breaks; point it at the copy Vite emits as an asset.
setWorkerUrl(workerUrl);

const FLUSH_MS = 300; // at most ~3 source updates a second
// A big picture is redrawn once a second (objects report about that often):
// every source update re-tiles and re-uploads all of it.
const BIG_PICTURE = 5000;
const BIG_FLUSH_MS = 1000;
// With more objects than this in view, trails and speed leaders are drawn for
// the selected object only and symbols are smaller: at 10,000 objects those
// lines cost more to draw than the symbols, and a zoomed-out picture of that
// size is read by its symbols, not its lines.
const DETAIL_LIMIT = 2000;
const SMALL_ICON = 0.7;
const FULL_MS = 1000; // staleness moves with the clock: redraw at least this often
const TRAIL_LEN = 8; // positions kept per object
const REPLAY_TRAIL_LEN = 240; // positions kept per object over a replayed period
const LEADER_MIN_SPEED = 0.5; // m/s; slower objects get no speed leader
const EARTH_R = 6371008.8; // metres
// Labels are one image per callsign, drawn in their own layer so that
// MapLibre's collision test thins them (symbols are always drawn). Only
// label when at most this many objects are in view, so a zoomed-out
// 10,000-object picture stays a few dozen shared images.
const LABEL_LIMIT = 400;
// Which labels win when they collide: MapLibre places lower keys first.
const LABEL_RANK = { alert: 0, unit: 1, marker: 2, track: 3, stale: 10 };
const IMAGE_TTL_MS = 60000; // labelled images unused this long are dropped

/** A point `dist` metres from lat/lon along `course` degrees (short distances, spherical). */
function ahead(lat, lon, course, dist) {
  const c = (course * Math.PI) / 180;
  const dLat = ((dist * Math.cos(c)) / EARTH_R) * (180 / Math.PI);
  const dLon = ((dist * Math.sin(c)) / (EARTH_R * Math.cos((lat * Math.PI) / 180) || 1)) * (180 / Math.PI);
  return [lon + dLon, lat + dLat];
}

/** Which label class an object is in, for who wins a collision. */
function labelClass(o) {
  const t = String(o.type || '');
  if (t.startsWith('b-a')) return 'alert';
  if (o.contact || t.startsWith('a-f')) return 'unit';
  if (t.startsWith('b-m-p') || t.startsWith('u-d') || t.startsWith('u-r')) return 'marker';
  return 'track';
}

/** How far right of its point a label starts, CSS pixels: past the symbol. */
function iconHalfWidth(type) {
  const t = String(type || '');
  return t.startsWith('a-') ? 17 : 12;
}

/** A drawing's GeoJSON feature (`o.shape`, PROTOCOL.md), or null. */
function shapeFeature(o, stale) {
  const sh = o.shape;
  const stroke = typeof sh.stroke === 'string' ? sh.stroke : '#ffff00';
  const props = { uid: o.uid, stroke, fill: typeof sh.fill === 'string' ? sh.fill : stroke, fillOpacity: Number.isFinite(sh.fill_opacity) ? sh.fill_opacity : 0, dim: stale };
  let geometry = null;
  if (sh.kind === 'circle' && Number.isFinite(sh.major)) {
    geometry = { type: 'Polygon', coordinates: [ring(o.lat, o.lon, sh.major, Number.isFinite(sh.minor) ? sh.minor : sh.major, Number.isFinite(sh.angle) ? sh.angle : 0)] };
  } else if (Array.isArray(sh.points) && sh.points.length >= 2) {
    const line = sh.points.map((p) => [p[1], p[0]]);
    geometry = sh.kind === 'polygon' ? { type: 'Polygon', coordinates: [[...line, line[0]]] } : { type: 'LineString', coordinates: line };
  }
  return geometry ? { type: 'Feature', geometry, properties: props } : null;
}

function validPos(o) {
  return Number.isFinite(o.lat) && Number.isFinite(o.lon) && Math.abs(o.lat) <= 90 && Math.abs(o.lon) <= 180;
}

/**
 * Creates the map in `container`. `getView()` returns {objects: Map, now: ms,
 * live: bool} to draw; `onSelect(uid)` on a symbol click; `onMapClick(lngLat)`
 * for clicks while `placing` is set.
 */
export function createMap(container, session, { getView, onSelect, onMapClick }) {
  const center = Array.isArray(session.center) && session.center.length === 2 ? session.center : [0, 0];
  const map = new MlMap({
    container,
    style: baseStyle(session),
    center: [center[1], center[0]],
    zoom: Number.isFinite(session.zoom) ? session.zoom : 3,
    attributionControl: false,
    maxPitch: 0,
    dragRotate: false,
    fadeDuration: 0,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  if (session.tiles) map.addControl(new AttributionControl({ compact: true }), 'bottom-right');

  const dpr = window.devicePixelRatio || 1;
  const imageUse = new Map(); // labelled image key -> last flush that used it (ms)
  map.setMissingStyleImageResolver((id) => {
    if (map.hasImage(id)) return;
    const { image, pixelRatio } = makeImage(id, dpr);
    map.addImage(id, image, { pixelRatio });
    // Object labels come and go with the view; place and grid text is a
    // bounded set and stays.
    if (/^t\|(label|stale|alert)\|/.test(id)) imageUse.set(id, performance.now());
  });
  // Panning over many callsigns would grow the image set without end.
  setInterval(() => {
    const old = performance.now() - IMAGE_TTL_MS;
    for (const [id, used] of imageUse) {
      if (used < old) {
        imageUse.delete(id);
        if (map.hasImage(id)) map.removeImage(id);
      }
    }
  }, 15000);

  const api = {
    map,
    placing: false,
    selected: null,
    trails: new Map(), // uid -> [[lon, lat], ...]
    replayTrails: new Map(), // the same for the replayed period
    dirty: true,
    loaded: false,
    lastFull: 0,
    alerts: [],
    // Which objects the layer panel shows (layers.js sets it).
    shows: () => true,
  };

  map.on('load', () => {
    api.loadedAt = performance.now();
    addOverlays(map);
    for (const id of ['objects', 'labels', 'trails', 'leaders', 'alerts', 'goto', 'shapes', 'tool']) map.addSource(id, emptySource());
    // Drawings (TAK shapes) under everything else the picture draws.
    map.addLayer({
      id: 'shape-fill',
      type: 'fill',
      source: 'shapes',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': ['get', 'fill'], 'fill-opacity': ['get', 'fillOpacity'] },
    });
    map.addLayer({
      id: 'shape-line',
      type: 'line',
      source: 'shapes',
      paint: { 'line-color': ['get', 'stroke'], 'line-width': 2.5, 'line-opacity': ['case', ['get', 'dim'], 0.5, 0.95] },
    });
    map.addLayer({
      id: 'goto',
      type: 'circle',
      source: 'goto',
      paint: { 'circle-radius': 10, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 },
    });
    map.addLayer({
      id: 'trails',
      type: 'line',
      source: 'trails',
      paint: { 'line-color': '#9fd4ff', 'line-width': 1.5, 'line-opacity': 0.45 },
    });
    map.addLayer({
      id: 'leaders',
      type: 'line',
      source: 'leaders',
      paint: { 'line-color': '#ffffff', 'line-width': 2, 'line-opacity': 0.8 },
    });
    map.addLayer({
      id: 'alert-ring',
      type: 'circle',
      source: 'alerts',
      paint: { 'circle-radius': 26, 'circle-color': 'rgba(255,0,0,0.15)', 'circle-stroke-color': '#ff2020', 'circle-stroke-width': 3 },
    });
    map.addLayer({
      id: 'emergency-ring',
      type: 'circle',
      source: 'objects',
      filter: ['==', ['get', 'em'], true],
      paint: { 'circle-radius': 22, 'circle-color': 'rgba(255,0,0,0)', 'circle-stroke-color': '#ff2020', 'circle-stroke-width': 4 },
    });
    map.addLayer({
      id: 'selection',
      type: 'circle',
      source: 'objects',
      filter: ['==', ['get', 'uid'], ''],
      paint: { 'circle-radius': 24, 'circle-color': 'rgba(79,179,255,0.18)', 'circle-stroke-color': '#4fb3ff', 'circle-stroke-width': 2 },
    });
    map.addLayer({
      id: 'objects',
      type: 'symbol',
      source: 'objects',
      layout: {
        'icon-image': ['get', 'icon'],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'symbol-sort-key': ['get', 'z'],
      },
      paint: { 'icon-opacity': ['case', ['get', 'dim'], 0.55, 1] },
    });
    map.addLayer({
      id: 'labels',
      type: 'symbol',
      source: 'labels',
      layout: {
        'icon-image': ['get', 'icon'],
        'icon-anchor': 'left',
        'icon-offset': ['get', 'off'],
        'icon-allow-overlap': false,
        'icon-padding': 1,
        'symbol-sort-key': ['get', 'rank'],
      },
      paint: { 'icon-opacity': ['case', ['get', 'dim'], 0.7, 1] },
    });
    // What a tool is drawing (measure legs, range rings, a shape in progress): on top.
    map.addLayer({
      id: 'tool-line',
      type: 'line',
      source: 'tool',
      paint: { 'line-color': ['coalesce', ['get', 'color'], '#ffffff'], 'line-width': 2, 'line-dasharray': [3, 2] },
    });
    map.addLayer({
      id: 'tool-points',
      type: 'circle',
      source: 'tool',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 4, 'circle-color': '#ffffff', 'circle-stroke-color': '#000000', 'circle-stroke-width': 1 },
    });
    api.loaded = true;
    if (api.onLoad) api.onLoad();
    api.dirty = true;
    flush();
  });

  function inViewTest() {
    const b = map.getBounds();
    const padLat = (b.getNorth() - b.getSouth()) * 0.1;
    const padLon = (b.getEast() - b.getWest()) * 0.1;
    const s = b.getSouth() - padLat;
    const n = b.getNorth() + padLat;
    const w = b.getWest() - padLon;
    const e = b.getEast() + padLon;
    if (e - w >= 360) return (o) => o.lat >= s && o.lat <= n;
    return (o) => {
      if (o.lat < s || o.lat > n) return false;
      // The view may cross the antimeridian: compare longitudes shifted into it.
      let lon = o.lon;
      while (lon < w) lon += 360;
      while (lon > e + 1e-9 && lon - 360 >= w) lon -= 360;
      return lon <= e;
    };
  }

  function buildFeatures() {
    const view = getView();
    const now = view.now;
    const objs = [];
    const labelFeatures = [];
    const leaders = [];
    const shapes = [];
    let emergencies = 0;
    const inView = inViewTest();
    let visible = 0;
    const shows = api.shows;
    for (const o of view.objects.values()) if (validPos(o) && shows(o) && inView(o)) visible++;
    const labels = visible <= LABEL_LIMIT;
    const detailed = visible <= DETAIL_LIMIT;
    if (detailed !== api.detailed) {
      api.detailed = detailed;
      map.setLayoutProperty('objects', 'icon-size', detailed ? 1 : SMALL_ICON);
    }
    const stamp = performance.now();
    for (const o of view.objects.values()) {
      if (!validPos(o) || !shows(o)) continue;
      const stale = isStale(o, now) || o.gone === true;
      const em = o.emergency === true;
      if (em) emergencies++;
      const icon = imageKey(o.type, stale, '');
      const coordinates = [o.lon, o.lat];
      if (o.shape) {
        const f = shapeFeature(o, stale);
        if (f) shapes.push(f);
      }
      objs.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates },
        properties: { uid: o.uid, icon, dim: stale, em, z: stale ? 0 : em ? 2 : 1 },
      });
      const picked = em || o.uid === api.selected;
      if ((labels || picked) && inView(o)) {
        const cls = picked ? 'alert' : stale ? 'stale' : labelClass(o);
        const text = textKey(em ? 'alert' : stale ? 'stale' : 'label', o.callsign || o.uid);
        if (imageUse.has(text)) imageUse.set(text, stamp);
        labelFeatures.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates },
          properties: { uid: o.uid, icon: text, dim: stale, rank: LABEL_RANK[cls], off: [iconHalfWidth(o.type), 0] },
        });
      }
      if ((detailed || o.uid === api.selected) && !stale && Number.isFinite(o.speed) && o.speed >= LEADER_MIN_SPEED && Number.isFinite(o.course)) {
        // A minute's travel, kept visible but short at both ends of the speed range.
        const dist = Math.min(20000, Math.max(150, o.speed * 60));
        leaders.push({
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: [[o.lon, o.lat], ahead(o.lat, o.lon, o.course, dist)] },
          properties: {},
        });
      }
    }
    const trails = [];
    {
      for (const [uid, pts] of view.live ? api.trails : api.replayTrails) {
        if (pts.length >= 2 && (detailed || uid === api.selected) && view.objects.has(uid)) {
          trails.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: pts }, properties: {} });
        }
      }
    }
    api.emergencies = emergencies;
    return { objs, labelFeatures, leaders, trails, shapes };
  }

  function flush() {
    if (!api.loaded) return;
    const t0 = performance.now();
    const { objs, labelFeatures, leaders, trails, shapes } = buildFeatures();
    map.getSource('shapes').setData({ type: 'FeatureCollection', features: shapes });
    map.getSource('objects').setData({ type: 'FeatureCollection', features: objs });
    map.getSource('labels').setData({ type: 'FeatureCollection', features: labelFeatures });
    map.getSource('leaders').setData({ type: 'FeatureCollection', features: leaders });
    map.getSource('trails').setData({ type: 'FeatureCollection', features: trails });
    const alertFeatures = api.alerts
      .filter((a) => Number.isFinite(a.lat) && Number.isFinite(a.lon))
      .map((a) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [a.lon, a.lat] }, properties: { uid: a.uid } }));
    map.getSource('alerts').setData({ type: 'FeatureCollection', features: alertFeatures });
    api.dirty = false;
    api.lastFull = performance.now();
    api.lastFlushMs = api.lastFull - t0;
    api.flushes = (api.flushes || 0) + 1;
    api.imageCount = imageUse.size;
  }

  setInterval(() => {
    const since = performance.now() - api.lastFull;
    const every = getView().objects.size > BIG_PICTURE ? BIG_FLUSH_MS : FLUSH_MS;
    if ((api.dirty && since >= every) || since >= FULL_MS) flush();
  }, FLUSH_MS);

  // The rings pulse; only repaint for it while there is something to pulse.
  setInterval(() => {
    if (!api.loaded || (!api.emergencies && !api.alerts.length)) return;
    const phase = (Math.sin(performance.now() / 250) + 1) / 2;
    map.setPaintProperty('emergency-ring', 'circle-radius', 16 + 12 * phase);
    map.setPaintProperty('emergency-ring', 'circle-stroke-opacity', 1 - 0.6 * phase);
    map.setPaintProperty('alert-ring', 'circle-radius', 22 + 14 * phase);
  }, 120);

  map.on('click', (e) => {
    if (api.tool) {
      api.tool.click(e.lngLat);
      return;
    }
    if (api.placing) {
      onMapClick(e.lngLat);
      return;
    }
    const pad = 8;
    const box = [
      [e.point.x - pad, e.point.y - pad],
      [e.point.x + pad, e.point.y + pad],
    ];
    const hit = api.loaded ? map.queryRenderedFeatures(box, { layers: ['objects'] }) : [];
    if (hit.length) onSelect(hit[0].properties.uid);
  });
  // Which objects are labelled depends on the view.
  map.on('moveend', () => {
    api.dirty = true;
  });
  map.on('dblclick', (e) => {
    if (api.tool && api.tool.finish) {
      e.preventDefault();
      api.tool.finish();
    }
  });
  map.on('mousemove', (e) => {
    if (api.tool && api.tool.move) api.tool.move(e.lngLat);
    if (!api.loaded || api.placing || api.tool) return;
    const hit = map.queryRenderedFeatures(e.point, { layers: ['objects'] });
    map.getCanvas().style.cursor = hit.length ? 'pointer' : '';
  });

  /** Records live position changes for trails (bounded per object). */
  api.track = (objects, changed, removed, snapshot) => {
    if (snapshot) {
      for (const uid of api.trails.keys()) if (!objects.has(uid)) api.trails.delete(uid);
    }
    for (const uid of removed) api.trails.delete(uid);
    for (const uid of changed) {
      const o = objects.get(uid);
      if (!o || !validPos(o)) continue;
      let pts = api.trails.get(uid);
      if (!pts) {
        pts = [];
        api.trails.set(uid, pts);
      }
      const last = pts[pts.length - 1];
      if (!last || last[0] !== o.lon || last[1] !== o.lat) {
        pts.push([o.lon, o.lat]);
        if (pts.length > TRAIL_LEN) pts.shift();
      }
    }
    api.dirty = true;
  };

  /**
   * Adds a replayed picture's positions to the replay trails, so the period
   * played shows as trails; `restart` (the time jumped) drops them first.
   */
  api.replayTrack = (objects, restart) => {
    if (restart) api.replayTrails = new Map();
    for (const o of objects.values()) {
      if (!validPos(o)) continue;
      let pts = api.replayTrails.get(o.uid);
      if (!pts) {
        pts = [];
        api.replayTrails.set(o.uid, pts);
      }
      const last = pts[pts.length - 1];
      if (!last || last[0] !== o.lon || last[1] !== o.lat) {
        pts.push([o.lon, o.lat]);
        if (pts.length > REPLAY_TRAIL_LEN) pts.shift();
      }
    }
    api.dirty = true;
  };

  /** Marks the picture changed; the next flush tick redraws. */
  api.invalidate = () => {
    api.dirty = true;
  };

  /** Highlights a selected object (or none). */
  api.select = (uid) => {
    api.selected = uid;
    if (api.loaded) map.setFilter('selection', ['==', ['get', 'uid'], uid || '']);
    else map.once('load', () => map.setFilter('selection', ['==', ['get', 'uid'], uid || '']));
  };

  /** Alerts to ring on the map. */
  api.setAlerts = (alerts) => {
    api.alerts = alerts;
    api.dirty = true;
  };

  /** Pins the place a go-to flew to (one pin; the next replaces it). */
  api.pin = (lat, lon) => {
    const set = () =>
      map.getSource('goto').setData({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: {} }] });
    if (api.loaded) set();
    else map.once('load', set);
  };

  api.flyTo = (lat, lon, zoom) => {
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return;
    map.flyTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), zoom || 12), essential: true });
  };

  /**
   * Frames everything live in `objects` (not stale, a valid position), the
   * panel beside the map taken into account by the map's own size; does
   * nothing when nothing is live.
   */
  api.frameLive = (objects, now, sites = []) => {
    let w = Infinity;
    let e = -Infinity;
    let s = Infinity;
    let n = -Infinity;
    // Sensor sites are part of what is live: their coverage frames the sector.
    const fixes = [...objects.values(), ...sites.map((x) => ({ lat: x.lat, lon: x.lon }))];
    for (const o of fixes) {
      if (!validPos(o) || isStale(o, now) || o.gone === true || (o.lat === 0 && o.lon === 0)) continue;
      w = Math.min(w, o.lon);
      e = Math.max(e, o.lon);
      s = Math.min(s, o.lat);
      n = Math.max(n, o.lat);
    }
    if (!Number.isFinite(w)) return false;
    map.fitBounds(
      [
        [w, s],
        [e, n],
      ],
      { padding: 60, maxZoom: 13, duration: 0 },
    );
    api.dirty = true;
    return true;
  };

  /** Which objects are drawn (the layer panel's choice); redraws. */
  api.setShows = (fn) => {
    api.shows = fn;
    api.dirty = true;
  };

  /** Uids of the symbols MapLibre has drawn in the current view. */
  api.renderedUids = () => {
    if (!api.loaded) return [];
    const seen = new Set();
    for (const f of map.queryRenderedFeatures({ layers: ['objects'] })) seen.add(f.properties.uid);
    return [...seen];
  };

  /** Uids whose labels MapLibre placed (after collision) in the current view. */
  api.labelledUids = () => {
    if (!api.loaded) return [];
    return [...new Set(map.queryRenderedFeatures({ layers: ['labels'] }).map((f) => f.properties.uid))];
  };

  /**
   * Hands the map's clicks to a tool (`{click(lngLat), move?(lngLat),
   * finish?()}`; a double-click finishes instead of zooming), or back with null.
   */
  api.setTool = (tool) => {
    api.tool = tool;
    container.classList.toggle('placing', !!tool || api.placing);
    if (!tool) api.setToolFeatures([]);
  };
  /** What the tool draws now: GeoJSON features (`color` property optional). */
  api.setToolFeatures = (features) => {
    const src = api.loaded && map.getSource('tool');
    if (src) src.setData({ type: 'FeatureCollection', features });
  };
  /** The uids of the drawings on the map now. */
  api.shapeUids = () => (api.loaded ? [...new Set(map.querySourceFeatures('shapes').map((f) => f.properties.uid))] : []);
  api.setPlacing = (on) => {
    api.placing = on;
    container.classList.toggle('placing', on);
    map.getCanvas().style.cursor = on ? 'crosshair' : '';
  };

  api.flushNow = flush;
  return api;
}
