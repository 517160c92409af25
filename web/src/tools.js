// The map tools a watch officer reaches for: measure (distance and bearing,
// leg by leg, with the total), range rings around a point, and drawing a
// circle, polygon or line that goes to the field as a TAK shape (`op:
// shape`; the server's ack decides whether the dialog closes). One tool at a
// time; Escape or its button again ends it. Measures and rings stay on this
// page only.

import { bearingText, distanceText, inverse, ring } from './geodesy.js';

const RING_COLOR = '#ffd34d';
const DEFAULT_RINGS_KM = '1, 2, 5';

/** Reads "1, 2.5, 5" (km) into metres; null and a reason when it does not read. */
export function parseRings(text) {
  const parts = String(text).split(/[\s,;]+/).filter(Boolean);
  if (!parts.length) return { error: 'give one or more distances in km' };
  const out = [];
  for (const p of parts) {
    const km = Number(p);
    if (!Number.isFinite(km) || km <= 0 || km > 500) return { error: `not a range in km (0 to 500): ${p}` };
    out.push(km * 1000);
  }
  if (out.length > 10) return { error: 'at most 10 rings' };
  return { metres: [...new Set(out)].sort((a, b) => a - b) };
}

const pointFeature = (lat, lon) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: {} });
const lineFeature = (pts, color) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates: pts.map((p) => [p.lon, p.lat]) }, properties: color ? { color } : {} });

/**
 * Wires the tool bar. `mapApi` is from createMap; `send(cmd)` resolves with
 * the server's ack; `onMade(uid)` hears of each drawing the server accepted.
 */
export function createTools({ mapApi, send, onMade }) {
  const $ = (id) => document.getElementById(id);
  const buttons = { measure: $('tool-measure'), rings: $('tool-rings'), draw: $('tool-draw') };
  const drawKind = $('draw-kind');
  const readout = $('tool-readout');
  const readText = readout.querySelector('.tool-text');
  const finishBtn = $('tool-finish');
  const clearBtn = $('tool-clear');
  const ringsInput = $('rings-input');
  const optRings = $('tool-opt-rings');
  const optDraw = $('tool-opt-draw');
  const dialog = $('shape-dialog');
  const form = dialog.querySelector('form');
  const err = form.querySelector('.shape-error');
  ringsInput.value = DEFAULT_RINGS_KM;

  // The state of the tool in use; `kept` is what stays drawn when it ends.
  const st = { name: null, points: [], cursor: null, rings: [], kept: [], pending: null, text: '' };

  function say(text, { finish = false } = {}) {
    st.text = text;
    readText.textContent = text;
    // A tool's options (the ranges, the shape) show while it is in use.
    optRings.hidden = st.name !== 'rings';
    optDraw.hidden = st.name !== 'draw';
    readout.hidden = !text && !st.name;
    finishBtn.hidden = !finish;
  }

  function redraw() {
    const f = [...st.kept];
    const pts = st.cursor && st.name !== 'rings' ? [...st.points, st.cursor] : st.points;
    if (st.name === 'draw' && drawKind.value === 'circle' && st.points.length === 1 && st.cursor) {
      const c = st.points[0];
      const r = inverse(c.lat, c.lon, st.cursor.lat, st.cursor.lon).metres;
      if (r > 0) f.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: ring(c.lat, c.lon, r) }, properties: {} });
    }
    if (pts.length >= 2) f.push(lineFeature(pts));
    if (st.name === 'draw' && drawKind.value === 'polygon' && pts.length >= 3) f.push(lineFeature([pts[pts.length - 1], pts[0]]));
    for (const p of st.points) f.push(pointFeature(p.lat, p.lon));
    mapApi.setToolFeatures(f);
  }

  function measureText(pts) {
    if (pts.length < 2) return 'Measure: click the first point, then the next.';
    let total = 0;
    for (let i = 1; i < pts.length; i++) total += inverse(pts[i - 1].lat, pts[i - 1].lon, pts[i].lat, pts[i].lon).metres;
    const a = pts[pts.length - 2];
    const b = pts[pts.length - 1];
    const leg = inverse(a.lat, a.lon, b.lat, b.lon);
    const head = `${distanceText(leg.metres)} · ${bearingText(leg.bearing)}`;
    return pts.length > 2 ? `${head} · total ${distanceText(total)} over ${pts.length - 1} legs` : head;
  }

  const handlers = {
    measure: {
      click(ll) {
        if (repeats(ll)) return;
        st.points.push({ lat: ll.lat, lon: ll.lng });
        say(measureText(st.points), { finish: st.points.length >= 2 });
        redraw();
      },
      move(ll) {
        st.cursor = { lat: ll.lat, lon: ll.lng };
        if (st.points.length) say(measureText([...st.points, st.cursor]), { finish: st.points.length >= 2 });
        redraw();
      },
      finish() {
        // The legs stay drawn until cleared or another tool starts.
        st.cursor = null;
        st.kept = [lineFeature(st.points)];
        say(measureText(st.points));
        stop(true);
      },
    },
    rings: {
      click(ll) {
        const r = parseRings(ringsInput.value);
        if (r.error) {
          say(`Range rings: ${r.error}`);
          return;
        }
        const c = { lat: ll.lat, lon: ll.lng };
        st.rings = r.metres;
        st.kept = r.metres.map((m) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates: ring(c.lat, c.lon, m) }, properties: { color: RING_COLOR } }));
        st.kept.push(pointFeature(c.lat, c.lon));
        st.points = [];
        say(`Rings at ${r.metres.map((m) => `${m / 1000} km`).join(', ')} around ${c.lat.toFixed(5)}, ${c.lon.toFixed(5)}`);
        st.centre = c;
        stop(true);
      },
    },
    draw: {
      click(ll) {
        if (repeats(ll)) return;
        const p = { lat: ll.lat, lon: ll.lng };
        const kind = drawKind.value;
        st.points.push(p);
        if (kind === 'circle' && st.points.length === 2) {
          const c = st.points[0];
          const r = inverse(c.lat, c.lon, p.lat, p.lon).metres;
          if (!(r >= 1)) {
            st.points.pop();
            return;
          }
          openDialog({ shape: 'circle', points: [[c.lat, c.lon]], radius_m: Math.round(r * 10) / 10 });
          return;
        }
        say(drawText(kind), { finish: kind !== 'circle' && st.points.length >= (kind === 'polygon' ? 3 : 2) });
        redraw();
      },
      move(ll) {
        st.cursor = { lat: ll.lat, lon: ll.lng };
        if (drawKind.value === 'circle' && st.points.length === 1) {
          const c = st.points[0];
          say(`Circle: radius ${distanceText(inverse(c.lat, c.lon, st.cursor.lat, st.cursor.lon).metres)}; click to set it.`);
        }
        redraw();
      },
      finish() {
        const kind = drawKind.value;
        const pts = st.points;
        if (kind === 'circle' || pts.length < (kind === 'polygon' ? 3 : 2)) return;
        openDialog({ shape: kind, points: pts.map((p) => [p.lat, p.lon]) });
      },
    },
  };

  // A double-click is two clicks on one spot before it finishes: the second adds nothing.
  function repeats(ll) {
    const last = st.points[st.points.length - 1];
    return !!last && last.lat === ll.lat && last.lon === ll.lng;
  }

  function drawText(kind) {
    const n = st.points.length;
    if (kind === 'circle') return n ? 'Circle: click the edge.' : 'Circle: click the centre.';
    const need = kind === 'polygon' ? 3 : 2;
    const more = n < need ? `click ${need - n} more point${need - n > 1 ? 's' : ''}` : 'double-click or Finish to end';
    return `${kind === 'polygon' ? 'Polygon' : 'Line'}: ${n} point${n === 1 ? '' : 's'}; ${more}.`;
  }

  function start(name) {
    const wasOn = st.name === name;
    stop(false);
    if (wasOn) return;
    st.name = name;
    st.points = [];
    st.cursor = null;
    st.kept = [];
    buttons[name].classList.add('active');
    mapApi.setPlacing(false);
    mapApi.setTool(handlers[name]);
    say(name === 'measure' ? measureText([]) : name === 'rings' ? 'Range rings: click the centre.' : drawText(drawKind.value));
  }

  /** Ends the tool in use; `keep` leaves its result drawn and said. */
  function stop(keep) {
    for (const b of Object.values(buttons)) b.classList.remove('active');
    st.name = null;
    st.cursor = null;
    optRings.hidden = true;
    optDraw.hidden = true;
    mapApi.setTool(null);
    if (keep) {
      mapApi.setToolFeatures(st.kept);
      clearBtn.hidden = false;
      finishBtn.hidden = true;
    } else {
      st.kept = [];
      st.points = [];
      say('');
      clearBtn.hidden = true;
    }
  }

  function openDialog(shape) {
    st.pending = shape;
    mapApi.setTool(null);
    form.reset();
    err.hidden = true;
    dialog.querySelector('.shape-what').textContent =
      shape.shape === 'circle' ? `Circle, radius ${distanceText(shape.radius_m)}` : `${shape.shape === 'polygon' ? 'Polygon' : 'Line'} of ${shape.points.length} points`;
    dialog.hidden = false;
    form.elements.label.focus();
  }

  function closeDialog() {
    dialog.hidden = true;
    st.pending = null;
    stop(false);
  }

  for (const [name, b] of Object.entries(buttons)) b.addEventListener('click', () => start(name));
  drawKind.addEventListener('change', () => {
    if (st.name === 'draw') {
      st.points = [];
      say(drawText(drawKind.value));
      redraw();
    }
  });
  finishBtn.addEventListener('click', () => st.name && handlers[st.name].finish && handlers[st.name].finish());
  clearBtn.addEventListener('click', () => stop(false));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !dialog.hidden) closeDialog();
    else if (e.key === 'Escape' && st.name) stop(false);
  });
  form.querySelector('.shape-cancel').addEventListener('click', closeDialog);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!st.pending) return;
    const f = form.elements;
    const label = f.label.value.trim();
    if (!label) {
      err.textContent = 'A label is needed.';
      err.hidden = false;
      return;
    }
    const cmd = { op: 'shape', ...st.pending, label, color: f.color.value, remarks: f.remarks.value.trim() };
    const save = form.querySelector('[data-testid="shape-save"]');
    save.disabled = true;
    const ack = await send(cmd);
    save.disabled = false;
    if (ack.ok) {
      if (ack.uid) onMade(ack.uid);
      closeDialog();
    } else {
      err.textContent = `Not sent: ${ack.error || 'refused by the server'}`;
      err.hidden = false;
    }
  });

  return {
    /** For tests: the tool in use, its points, the rings and the read-out. */
    state: () => ({ tool: st.name, points: st.points.map((p) => [p.lat, p.lon]), rings: st.rings, text: st.text, kept: st.kept.length }),
    stop: () => stop(false),
  };
}
