// The roster's units on the map: a 2525 friendly frame (milsymbol, as the
// picture's symbols) with the unit's echelon amplifier above it, at the fix
// of the unit's own SA, its designation under it. Stale units are drawn in
// grey and dimmed. One layer, toggled by `unit-layer-toggle`.
import ms from 'milsymbol';
import { sidcOf } from './symbols.js';

/** MIL-STD-2525C SIDC position 12 (index 11) per echelon, as crates/ops writes them. */
const ECHELON_LETTER = {
  TEAM: 'A', SQUAD: 'B', SECTION: 'C', PLATOON: 'D', COMPANY: 'E', BATTALION: 'F',
  REGIMENT: 'G', BRIGADE: 'H', DIVISION: 'I', CORPS: 'J', ARMY: 'K', COMMAND: 'N',
};
const SIZE = 30; // milsymbol base size, CSS pixels
const STALE_GREY = '#8a939c';
const GENERIC = 'SFGPU----------'; // friendly ground unit, no function

function valid(sidc) {
  try {
    return Boolean(new ms.Symbol(sidc).isValid());
  } catch {
    return false;
  }
}

const sidcCache = new Map();

/**
 * The 15-character 2525C SIDC a unit is drawn with: its own (a letter
 * SIDC), else one from its CoT type, else a generic friendly ground unit;
 * then its echelon letter at position 12 so milsymbol draws the amplifier.
 */
export function unitSidc(u) {
  const key = `${u.sidc || ''}|${u.cot_type || ''}|${u.echelon || ''}`;
  let s = sidcCache.get(key);
  if (s !== undefined) return s;
  let base = '';
  if (typeof u.sidc === 'string' && /^[A-Za-z*-]{10,15}$/.test(u.sidc)) base = u.sidc.toUpperCase().replace(/\*/g, '-').padEnd(15, '-');
  if (!base && u.cot_type) base = sidcOf(u.cot_type) || '';
  if (!base || !valid(base)) base = GENERIC;
  const letter = ECHELON_LETTER[u.echelon];
  s = letter ? `${base.slice(0, 11)}${letter}${base.slice(12)}` : base;
  if (!valid(s)) s = letter ? `${GENERIC.slice(0, 11)}${letter}${GENERIC.slice(12)}` : GENERIC;
  sidcCache.set(key, s);
  return s;
}

/** The symbol with the designation under it, its anchor at the image's centre. */
function unitImage(sidc, stale, label, dpr) {
  const opts = { size: SIZE, outlineColor: 'rgb(0,0,0)', outlineWidth: 2 };
  if (stale) opts.monoColor = STALE_GREY;
  const sym = new ms.Symbol(sidc, opts);
  const symCanvas = sym.asCanvas(dpr);
  const a = sym.getAnchor();
  const px = 13 * dpr;
  const font = `bold ${px}px system-ui, 'DejaVu Sans', Arial, sans-serif`;
  const text = stale ? `${label} (STALE)` : label;
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = font;
  const tw = Math.ceil(measure.measureText(text).width) + 8 * dpr;
  const w0 = Math.max(symCanvas.width, tw);
  const h0 = symCanvas.height + px + 6 * dpr;
  // Pad so the symbol's anchor sits at the centre: MapLibre anchors there.
  const ax = (w0 - symCanvas.width) / 2 + a.x * dpr;
  const ay = a.y * dpr;
  const w = Math.ceil(2 * Math.max(ax, w0 - ax));
  const h = Math.ceil(2 * Math.max(ay, h0 - ay));
  const dx = w / 2 - ax;
  const dy = h / 2 - ay;
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(symCanvas, Math.round(dx + (w0 - symCanvas.width) / 2), Math.round(dy));
  ctx.font = font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(2, px / 4);
  ctx.strokeStyle = 'rgba(0,0,0,0.9)';
  const tx = dx + w0 / 2;
  const ty = dy + symCanvas.height + px / 2 + 2 * dpr;
  ctx.strokeText(text, tx, ty);
  ctx.fillStyle = stale ? STALE_GREY : '#ffffff';
  ctx.fillText(text, tx, ty);
  return { image: ctx.getImageData(0, 0, w, h), pixelRatio: dpr };
}

const hasFix = (u) => u.position && Number.isFinite(u.position.lat) && Number.isFinite(u.position.lon);

/** Wires the layer on `mapApi`; `set(units)` redraws it from a roster's units. */
export function createUnitLayer({ mapApi }) {
  const map = mapApi.map;
  const toggle = document.getElementById('unit-layer-toggle');
  const dpr = window.devicePixelRatio || 1;
  let units = [];
  let loaded = false;

  function draw() {
    if (!loaded) return;
    const features = [];
    for (const u of units) {
      if (!hasFix(u)) continue;
      const sidc = unitSidc(u);
      const stale = Boolean(u.stale);
      const icon = `unit|${sidc}|${stale ? 1 : 0}|${u.designation}`;
      if (!map.hasImage(icon)) {
        const { image, pixelRatio } = unitImage(sidc, stale, String(u.designation || u.id).slice(0, 32), dpr);
        map.addImage(icon, image, { pixelRatio });
      }
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [u.position.lon, u.position.lat] },
        properties: { id: u.id, designation: u.designation, amplifier: u.amplifier || '', echelon: u.echelon || '', sidc, stale, icon },
      });
    }
    map.getSource('ops-units').setData({ type: 'FeatureCollection', features });
  }

  function setVisible(on) {
    if (loaded) map.setLayoutProperty('ops-units', 'visibility', on ? 'visible' : 'none');
  }

  function addLayer() {
    map.addSource('ops-units', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    // Above the picture: the unit's own SA contact sits under its unit symbol.
    map.addLayer({
      id: 'ops-units',
      type: 'symbol',
      source: 'ops-units',
      layout: { 'icon-image': ['get', 'icon'], 'icon-allow-overlap': true, 'icon-ignore-placement': true },
      paint: { 'icon-opacity': ['case', ['get', 'stale'], 0.55, 1] },
    });
    loaded = true;
    setVisible(toggle.checked);
    draw();
  }

  toggle.addEventListener('change', () => setVisible(toggle.checked));
  if (mapApi.loaded) addLayer();
  else map.once('load', addLayer);

  return {
    set(next) {
      units = Array.isArray(next) ? next : [];
      draw();
    },
  };
}
