// Export for a briefing: the map as it is now as a PNG with the
// classification line above and below, the time, a legend of what is drawn
// and the scale; and the object list as CSV.
import { objectLayer } from './layers.js';
import { isStale } from './state.js';
import { typeWords } from './cottypes.js';
import { mgrsText, utcText } from './format.js';

const LAYER_WORDS = {
  contacts: 'Field users (TAK SA)',
  air: 'Air tracks',
  ground: 'Ground tracks',
  seaother: 'Sea and other tracks',
  markers: 'Markers and shapes',
  alerts: 'Alerts',
};

/** Saves `blob` as a file named `name`. */
function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** A file name stamp: 20261203T155200Z. */
function stamp(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** One CSV field, quoted when it must be; a leading = + - @ is defused for spreadsheets. */
export function csvField(v) {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The list as CSV text, one object a row. */
export function listCsv(objects, now) {
  const head = ['callsign', 'uid', 'type', 'what', 'lat', 'lon', 'mgrs', 'hae_m', 'speed_mps', 'course_deg', 'time_utc', 'stale_utc', 'stale', 'team', 'sender', 'remarks'];
  const rows = [head.join(',')];
  for (const o of objects) {
    const num = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '');
    rows.push(
      [
        o.callsign || '',
        o.uid,
        o.type,
        typeWords(o.type),
        num(o.lat, 6),
        num(o.lon, 6),
        Number.isFinite(o.lat) && Number.isFinite(o.lon) ? mgrsText(o.lat, o.lon) : '',
        num(o.hae, 0),
        num(o.speed, 1),
        num(o.course, 0),
        utcText(o.time),
        utcText(o.stale),
        isStale(o, now) || o.gone === true ? 'yes' : 'no',
        o.team || '',
        o.sender || '',
        o.remarks || '',
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}

/**
 * Draws the map's current frame with the briefing furniture around it and
 * resolves with the PNG blob. The map's canvas is read inside a render
 * event, while its drawing buffer still holds the frame.
 */
export function viewPng({ map, classification, view, simulation }) {
  return new Promise((resolve, reject) => {
    map.once('render', () => {
      try {
        const src = map.getCanvas();
        const band = 34;
        const out = document.createElement('canvas');
        out.width = src.width;
        out.height = src.height + 2 * band;
        const ctx = out.getContext('2d');
        ctx.fillStyle = '#0a1520';
        ctx.fillRect(0, 0, out.width, out.height);
        ctx.drawImage(src, 0, band);
        // The classification line, top and bottom, as on any briefing slide.
        const line = simulation ? `${classification} // SIMULATION` : classification;
        for (const y of [0, out.height - band]) {
          ctx.fillStyle = /UNCLASSIFIED/i.test(classification) ? '#007a33' : '#c8102e';
          ctx.fillRect(0, y, out.width, band);
          ctx.fillStyle = '#ffffff';
          ctx.font = 'bold 20px system-ui, "DejaVu Sans", Arial, sans-serif';
          ctx.textAlign = 'center';
          ctx.textBaseline = 'middle';
          ctx.fillText(line, out.width / 2, y + band / 2);
        }
        // The legend: what the view holds, by layer, and when.
        const counts = new Map();
        const b = map.getBounds();
        for (const o of view.objects.values()) {
          if (!Number.isFinite(o.lat) || !Number.isFinite(o.lon) || !b.contains([o.lon, o.lat])) continue;
          const k = objectLayer(o) || 'alerts';
          counts.set(k, (counts.get(k) || 0) + 1);
        }
        const c = map.getCenter();
        const lines = [
          `${view.live ? 'Picture at' : 'Replayed picture at'} ${utcText(view.now)}`,
          `Centre ${mgrsText(c.lat, c.lng)} · zoom ${map.getZoom().toFixed(1)}`,
          ...[...counts].map(([k, n]) => `${LAYER_WORDS[k] || k}: ${n}`),
          `Exported ${utcText(Date.now())} from watchfloor`,
        ];
        ctx.font = '15px system-ui, "DejaVu Sans", Arial, sans-serif';
        ctx.textAlign = 'left';
        ctx.textBaseline = 'top';
        const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 20;
        const h = lines.length * 20 + 12;
        const x = 12;
        const y = out.height - band - h - 12;
        ctx.fillStyle = 'rgba(10, 16, 24, 0.85)';
        ctx.fillRect(x, y, w, h);
        ctx.strokeStyle = '#4fb3ff';
        ctx.strokeRect(x + 0.5, y + 0.5, w, h);
        ctx.fillStyle = '#e8eef5';
        lines.forEach((l, i) => ctx.fillText(l, x + 10, y + 6 + i * 20));
        out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser made no PNG'))), 'image/png');
      } catch (e) {
        reject(e);
      }
    });
    map.triggerRepaint();
  });
}

/** Wires the Export buttons; returns the test hook. */
export function createExport({ mapApi, session, getView, listed }) {
  const classification = String(session.classification || 'UNCLASSIFIED');
  const hook = { last: null };
  document.getElementById('export-png').addEventListener('click', async () => {
    const view = getView();
    const blob = await viewPng({ map: mapApi.map, classification, view, simulation: Boolean(session.simulation) });
    hook.last = { kind: 'png', size: blob.size, blob };
    download(blob, `watchfloor-${stamp(view.now)}.png`);
  });
  document.getElementById('export-csv').addEventListener('click', () => {
    const view = getView();
    const text = listCsv(listed(), view.now);
    const blob = new Blob([text], { type: 'text/csv;charset=utf-8' });
    hook.last = { kind: 'csv', size: blob.size, text };
    download(blob, `watchfloor-list-${stamp(view.now)}.csv`);
  });
  return hook;
}
