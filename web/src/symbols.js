// Symbol images for the map: MIL-STD-2525C symbols from milsymbol for atom
// types, simple drawn icons for markers/alerts/others, callsign drawn into the
// image (MapLibre text needs remote glyphs, which an offline page lacks).
//
// Images are made lazily: features carry an image key, and the map asks for a
// missing key through `styleimagemissing` only when it draws that feature, so
// 10,000 objects off-screen cost nothing.
import ms from 'milsymbol';
import { sidcFor } from './cottypes.js';

const SIZE = 26; // milsymbol base size, CSS pixels
const STALE_GREY = '#8a939c';
const LABEL_MAX = 24; // characters of callsign drawn beside the symbol

const validCache = new Map();

/** Whether milsymbol knows this SIDC (cached; it is called per distinct type only). */
function validSidc(sidc) {
  let ok = validCache.get(sidc);
  if (ok === undefined) {
    try {
      ok = Boolean(new ms.Symbol(sidc).isValid());
    } catch {
      ok = false;
    }
    validCache.set(sidc, ok);
  }
  return ok;
}

const sidcCache = new Map();

/** SIDC for a CoT type, cached per type string. */
export function sidcOf(type) {
  let s = sidcCache.get(type);
  if (s === undefined) {
    s = sidcFor(type, validSidc);
    sidcCache.set(type, s);
  }
  return s;
}

/** Which drawn icon a non-atom type gets. */
function iconClass(type) {
  const t = String(type || '');
  if (t.startsWith('b-a')) return 'alert';
  if (t.startsWith('b-m-p')) return 'marker';
  if (t.startsWith('u-d') || t.startsWith('u-r')) return 'drawing';
  return 'other';
}

/**
 * The image key of an object: encodes everything the picture depends on
 * (sidc or icon class, stale flag, label), so equal keys share one image.
 */
export function imageKey(type, stale, label) {
  const l = String(label || '').slice(0, LABEL_MAX).replace(/\s+/g, ' ');
  const sidc = sidcOf(type);
  return sidc ? `m|${sidc}|${stale ? 1 : 0}|${l}` : `i|${iconClass(type)}|${stale ? 1 : 0}|${l}`;
}

/** Colour of a non-atom icon class. */
const ICON_COLOURS = { alert: '#ff3b3b', marker: '#ffd23f', drawing: '#7fd6ff', other: '#c8c8c8' };

/** Affiliation colour for the list chips, from milsymbol's own 2525 palette. */
export function affiliationColour(type) {
  const sidc = sidcOf(type);
  if (!sidc) return ICON_COLOURS[iconClass(type)];
  try {
    return ms.getColorMode('Light')[affName(sidc[1])] || '#888';
  } catch {
    return '#888';
  }
}

function affName(c) {
  if (c === 'F' || c === 'A') return 'Friend';
  if (c === 'H' || c === 'S' || c === 'J' || c === 'K') return 'Hostile';
  if (c === 'N') return 'Neutral';
  return 'Unknown';
}

/** Draws a text label with a dark halo so it reads on any background. */
function drawLabel(ctx, text, x, y, px, colour) {
  ctx.font = `bold ${px}px system-ui, 'DejaVu Sans', Arial, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(2, px / 4);
  ctx.strokeStyle = 'rgba(0,0,0,0.9)';
  ctx.strokeText(text, x, y);
  ctx.fillStyle = colour;
  ctx.fillText(text, x, y);
}

/** Draws a simple icon for a non-atom object, returns the canvas and its anchor (device pixels). */
function drawIcon(cls, stale, label, dpr) {
  const r = 9 * dpr;
  const px = 13 * dpr;
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = `bold ${px}px system-ui, 'DejaVu Sans', Arial, sans-serif`;
  const tw = label ? Math.ceil(measure.measureText(label).width) + 6 * dpr : 0;
  const c = document.createElement('canvas');
  c.width = Math.ceil(2 * r + 4 * dpr + tw);
  c.height = Math.ceil(2 * r + 4 * dpr);
  const ctx = c.getContext('2d');
  const cx = r + 2 * dpr;
  const cy = c.height / 2;
  const colour = stale ? STALE_GREY : ICON_COLOURS[cls];
  ctx.fillStyle = colour;
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1.5 * dpr;
  ctx.beginPath();
  if (cls === 'alert') {
    ctx.moveTo(cx, cy - r);
    ctx.lineTo(cx + r, cy + r * 0.8);
    ctx.lineTo(cx - r, cy + r * 0.8);
  } else if (cls === 'marker') {
    ctx.moveTo(cx, cy - r);
    ctx.lineTo(cx + r, cy);
    ctx.lineTo(cx, cy + r);
    ctx.lineTo(cx - r, cy);
  } else {
    ctx.arc(cx, cy, r * 0.7, 0, Math.PI * 2);
  }
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  if (label) drawLabel(ctx, label, cx + r + 4 * dpr, cy, px, stale ? STALE_GREY : '#ffffff');
  return { canvas: c, ax: cx, ay: cy };
}

/**
 * Draws a milsymbol symbol with the callsign to its right. The label is ours,
 * not milsymbol's unique-designation field: that one sits small at the lower
 * left, while a watch floor reads names at a glance from the right.
 */
function drawSymbol(sidc, stale, label, dpr) {
  const opts = { size: SIZE, outlineColor: 'rgb(0,0,0)', outlineWidth: 2 };
  if (stale) opts.monoColor = STALE_GREY;
  const sym = new ms.Symbol(sidc, opts);
  const symCanvas = sym.asCanvas(dpr);
  const a = sym.getAnchor();
  const ax = a.x * dpr;
  const ay = a.y * dpr;
  if (!label) return { canvas: symCanvas, ax, ay };
  const px = 14 * dpr;
  const font = `bold ${px}px system-ui, 'DejaVu Sans', Arial, sans-serif`;
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = font;
  const tw = Math.ceil(measure.measureText(label).width) + 8 * dpr;
  const c = document.createElement('canvas');
  const gap = 4 * dpr;
  c.width = symCanvas.width + gap + tw;
  c.height = Math.max(symCanvas.height, Math.ceil(ay + px));
  const ctx = c.getContext('2d');
  ctx.drawImage(symCanvas, 0, 0);
  drawLabel(ctx, label, symCanvas.width + gap, ay, px, stale ? STALE_GREY : '#ffffff');
  return { canvas: c, ax, ay };
}

/** How each tone of map text is drawn: CSS pixels, weight and colour. */
const TEXT_TONES = {
  label: { px: 14, weight: 'bold', colour: '#ffffff' }, // an object's callsign
  stale: { px: 14, weight: 'bold', colour: STALE_GREY },
  alert: { px: 15, weight: 'bold', colour: '#ff8080' },
  place1: { px: 15, weight: 'bold', colour: '#f1e6c8' }, // the biggest places
  place2: { px: 13, weight: 'bold', colour: '#dcd2b6' },
  place3: { px: 12, weight: 'normal', colour: '#c9c0a6' },
  grid: { px: 12, weight: 'bold', colour: '#9fe0a0' }, // MGRS grid labels
};

/**
 * The image key of a piece of map text (a callsign beside its symbol, a
 * place name, a grid label): drawn on a canvas, since an offline page has
 * no glyphs for MapLibre's own text.
 */
export function textKey(tone, text) {
  const t = String(text || '').slice(0, LABEL_MAX).replace(/\s+/g, ' ');
  return `t|${TEXT_TONES[tone] ? tone : 'label'}|${t}`;
}

/** Draws text alone with its halo; the image is anchored by its left edge. */
function drawText(tone, text, dpr) {
  const st = TEXT_TONES[tone] || TEXT_TONES.label;
  const px = st.px * dpr;
  const font = `${st.weight} ${px}px system-ui, 'DejaVu Sans', Arial, sans-serif`;
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = font;
  const c = document.createElement('canvas');
  c.width = Math.max(1, Math.ceil(measure.measureText(text).width + px / 2));
  c.height = Math.ceil(px * 1.45);
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.font = font;
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(2, px / 4);
  ctx.strokeStyle = 'rgba(0,0,0,0.9)';
  ctx.strokeText(text, px / 4, c.height / 2);
  ctx.fillStyle = st.colour;
  ctx.fillText(text, px / 4, c.height / 2);
  return ctx.getImageData(0, 0, c.width, c.height);
}

/**
 * Makes the image for a key from `imageKey`: an ImageData whose centre is the
 * symbol's anchor (MapLibre anchors icons at their centre; padding the canvas
 * avoids a per-feature offset), plus the pixel ratio to register it with.
 */
export function makeImage(key, dpr = window.devicePixelRatio || 1) {
  if (key.startsWith('t|')) {
    const [, tone, ...text] = key.split('|');
    return { image: drawText(tone, text.join('|'), dpr), pixelRatio: dpr };
  }
  const [kind, what, staleFlag, ...rest] = key.split('|');
  const label = rest.join('|');
  const stale = staleFlag === '1';
  let drawn;
  try {
    drawn = kind === 'm' ? drawSymbol(what, stale, label, dpr) : drawIcon(what, stale, label, dpr);
  } catch {
    drawn = drawIcon('other', stale, label, dpr);
  }
  const { canvas, ax, ay } = drawn;
  const w = Math.ceil(2 * Math.max(ax, canvas.width - ax)) || 1;
  const h = Math.ceil(2 * Math.max(ay, canvas.height - ay)) || 1;
  const out = document.createElement('canvas');
  out.width = w;
  out.height = h;
  const ctx = out.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(canvas, Math.round(w / 2 - ax), Math.round(h / 2 - ay));
  return { image: ctx.getImageData(0, 0, w, h), pixelRatio: dpr };
}
