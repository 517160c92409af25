// The sensor layer: each configured sensor's site and coverage ring on the
// map, styled by its status, and the sensors list in the side panel. Status
// is always written out (REPORTING / LATE / SILENT) and drawn with a
// different ring dash and site shape, never told by colour alone.
import { ageText } from './format.js';

const EARTH_R = 6371008.8; // metres
const RING_POINTS = 72;
const REFRESH_MS = 1000; // ages move with the clock

/** How each status looks: colour, ring dash, site glyph and its word. */
export const STATUS_STYLE = {
  reporting: { colour: '#35d07f', dash: null, glyph: '●', word: 'REPORTING' },
  late: { colour: '#ffb020', dash: [4, 3], glyph: '◐', word: 'LATE' },
  silent: { colour: '#ff3b3b', dash: [1, 2.5], glyph: '○', word: 'SILENT' },
};
const styleOf = (s) => STATUS_STYLE[s.status] || STATUS_STYLE.silent;

const hasSite = (s) => Number.isFinite(s.lat) && Number.isFinite(s.lon);

/** A ring of `r` metres around lat/lon as [lon, lat] points (spherical, closed). */
function ring(lat, lon, r) {
  const pts = [];
  const d = r / EARTH_R;
  const la = (lat * Math.PI) / 180;
  const lo = (lon * Math.PI) / 180;
  for (let i = 0; i <= RING_POINTS; i++) {
    const b = (2 * Math.PI * i) / RING_POINTS;
    const lat2 = Math.asin(Math.sin(la) * Math.cos(d) + Math.cos(la) * Math.sin(d) * Math.cos(b));
    const lon2 = lo + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(la), Math.cos(d) - Math.sin(la) * Math.sin(lat2));
    pts.push([(lon2 * 180) / Math.PI, (lat2 * 180) / Math.PI]);
  }
  return pts;
}

/** The site symbol: a square for radars and receivers, a triangle for ground sensors, the status glyph and words beside it. */
function siteImage(s, dpr) {
  const st = styleOf(s);
  const label = `${s.id} · ${st.word}`;
  const c = document.createElement('canvas');
  const ctx = c.getContext('2d');
  const font = `700 ${13 * dpr}px system-ui, 'DejaVu Sans', sans-serif`;
  ctx.font = font;
  const tw = ctx.measureText(label).width;
  const size = 18 * dpr;
  c.width = Math.ceil(size + 6 * dpr + tw + 8 * dpr);
  c.height = Math.ceil(size + 4 * dpr);
  ctx.font = font;
  const cx = size / 2 + 2 * dpr;
  const cy = c.height / 2;
  ctx.lineWidth = 2.5 * dpr;
  ctx.strokeStyle = st.colour;
  ctx.fillStyle = s.status === 'silent' ? 'rgba(0,0,0,0.7)' : st.colour;
  ctx.beginPath();
  if (s.kind === 'detections') {
    ctx.moveTo(cx, cy - size / 2 + 1);
    ctx.lineTo(cx + size / 2 - 1, cy + size / 2 - 1);
    ctx.lineTo(cx - size / 2 + 1, cy + size / 2 - 1);
    ctx.closePath();
  } else {
    ctx.rect(cx - size / 2 + 2, cy - size / 2 + 2, size - 4, size - 4);
  }
  ctx.fill();
  ctx.stroke();
  if (s.status === 'silent') {
    // A cross through a silent site: readable without colour.
    ctx.beginPath();
    ctx.moveTo(cx - size / 2, cy - size / 2);
    ctx.lineTo(cx + size / 2, cy + size / 2);
    ctx.stroke();
  }
  const x = size + 8 * dpr;
  ctx.fillStyle = 'rgba(0,0,0,0.65)';
  ctx.fillRect(x - 3 * dpr, cy - 9 * dpr, tw + 6 * dpr, 18 * dpr);
  ctx.fillStyle = st.colour;
  ctx.textBaseline = 'middle';
  ctx.fillText(label, x, cy + dpr);
  return { image: ctx.getImageData(0, 0, c.width, c.height), pixelRatio: dpr };
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** "last 3 s ago" / "never heard". */
function lastText(s, now) {
  return Number.isFinite(s.last) ? `last ${ageText(now - s.last)} ago` : 'never heard';
}

/**
 * Wires the sensor layer on `mapApi` and the list in `#sensor-list`;
 * `now()` is server time, `onLocate(sensor)` flies to a site.
 */
export function createSensors({ mapApi, now, onLocate }) {
  const map = mapApi.map;
  const list = document.getElementById('sensor-list');
  const rows = document.getElementById('sensor-rows');
  const count = document.getElementById('sensor-count');
  const toggle = document.getElementById('sensor-layer-toggle');
  const dpr = window.devicePixelRatio || 1;
  let sensors = new Map();
  let loaded = false;
  const layerIds = ['sensor-coverage-fill', 'sensor-coverage-reporting', 'sensor-coverage-late', 'sensor-coverage-silent', 'sensor-sites'];

  function addLayers() {
    map.addSource('sensor-coverage', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addSource('sensor-sites', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    // Under the tracks: the picture stays readable over a ring.
    const before = map.getLayer('trails') ? 'trails' : undefined;
    map.addLayer({
      id: 'sensor-coverage-fill',
      type: 'fill',
      source: 'sensor-coverage',
      paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.06 },
    }, before);
    for (const status of ['reporting', 'late', 'silent']) {
      const st = STATUS_STYLE[status];
      map.addLayer({
        id: `sensor-coverage-${status}`,
        type: 'line',
        source: 'sensor-coverage',
        filter: ['==', ['get', 'status'], status],
        paint: {
          'line-color': st.colour,
          'line-width': 2,
          'line-opacity': 0.8,
          ...(st.dash ? { 'line-dasharray': st.dash } : {}),
        },
      }, before);
    }
    map.addLayer({
      id: 'sensor-sites',
      type: 'symbol',
      source: 'sensor-sites',
      layout: {
        'icon-image': ['get', 'icon'],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'icon-anchor': 'left',
        'icon-offset': [-11, 0],
      },
    }, before);
    loaded = true;
    setVisible(toggle.checked);
    draw();
  }

  function setVisible(on) {
    if (!loaded) return;
    for (const id of layerIds) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  }

  function draw() {
    if (!loaded) return;
    const rings = [];
    const sites = [];
    for (const s of sensors.values()) {
      if (!hasSite(s)) continue;
      const st = styleOf(s);
      if (Number.isFinite(s.max_range_m) && s.max_range_m > 0) {
        const coords = [ring(s.lat, s.lon, s.max_range_m)];
        if (Number.isFinite(s.min_range_m) && s.min_range_m > 0) coords.push(ring(s.lat, s.lon, s.min_range_m).reverse());
        rings.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: coords }, properties: { id: s.id, status: s.status, colour: st.colour } });
      }
      const icon = `sensor|${s.id}|${s.kind}|${s.status}`;
      if (!map.hasImage(icon)) {
        const { image, pixelRatio } = siteImage(s, dpr);
        map.addImage(icon, image, { pixelRatio });
      }
      sites.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [s.lon, s.lat] }, properties: { id: s.id, status: s.status, icon } });
    }
    map.getSource('sensor-coverage').setData({ type: 'FeatureCollection', features: rings });
    map.getSource('sensor-sites').setData({ type: 'FeatureCollection', features: sites });
  }

  function renderList() {
    const t = now();
    const all = [...sensors.values()];
    list.hidden = all.length === 0;
    const bad = all.filter((s) => s.status === 'silent').length;
    count.textContent = `${all.length}${bad ? ` · ${bad} silent` : ''}`;
    rows.replaceChildren(
      ...all.map((s) => {
        const st = styleOf(s);
        const row = el('div', `sensor-row ${s.status}`);
        row.dataset.testid = 'sensor-row';
        row.dataset.id = s.id;
        row.dataset.status = s.status;
        const badge = el('span', 'status', `${st.glyph} ${st.word}`);
        badge.style.color = st.colour;
        badge.dataset.testid = 'sensor-status';
        const name = el('span', 'name');
        name.append(el('b', '', s.id), el('span', 'sub', ` ${s.kind}${s.detects === 'cooperative' ? ' (cooperative)' : ''}`));
        const last = el('span', 'last', lastText(s, t));
        last.dataset.testid = 'sensor-last';
        const rate = el('span', 'rate', `${Number(s.rate || 0).toFixed(1)}/s`);
        rate.dataset.testid = 'sensor-rate';
        rate.title = `messages per second over the last minute; ${s.decode_errors || 0} did not decode`;
        row.append(badge, name, last, rate);
        row.title = `period ${s.period_s} s${Number.isFinite(s.max_range_m) ? `, coverage ${Math.round((s.min_range_m || 0) / 1000)}–${Math.round(s.max_range_m / 1000)} km` : ''}`;
        if (hasSite(s)) row.onclick = () => onLocate(s);
        return row;
      }),
    );
  }

  toggle.addEventListener('change', () => setVisible(toggle.checked));
  if (mapApi.loaded) addLayers();
  else map.once('load', addLayers);
  setInterval(() => sensors.size && renderList(), REFRESH_MS);

  return {
    /** Replaces the shown sensors (id -> Sensor, config order). */
    set(next) {
      sensors = next;
      renderList();
      draw();
    },
  };
}
