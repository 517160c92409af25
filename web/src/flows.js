// The Flows tab: the intelligence analyst's view of border crossings. The
// border's sectors on the map shaded by the chosen window's counts, with a
// legend that doubles as the sector picker; the selected sector's count
// series with its seasonal baseline band and the anomalies marked, with the
// coverage the counts rest on; the alerts raised, with their evidence; and
// the official monthly series beside our own monthly counts. Aggregates
// only, as the `/api/flows/...` routes give them: nothing here names or
// places a track.
import { createSeriesChart, createMonthlyChart } from './flowschart.js';
import { getJson, serial } from './fetchjson.js';
import { el, isoText } from './roster.js';

const $ = (id) => document.getElementById(id);

/** Refetched this often while the tab is shown. */
const REFRESH_MS = 30000;

/** The window presets: length, the resolution the chart starts at, words. */
const WINDOWS = {
  '24h': { s: 86400, by: 'hour', words: 'last 24 h' },
  '7d': { s: 7 * 86400, by: 'hour', words: 'last 7 d' },
  '30d': { s: 30 * 86400, by: 'hour', words: 'last 30 d' },
  '1y': { s: 365 * 86400, by: 'day', words: 'last 12 months' },
};

/**
 * History fetched before the window: the detectors judge each bin against
 * the same bin of earlier periods (8 weeks for hours and days), and a
 * series cut at the window's start would have nothing to judge the window
 * by. Our counts go back at most 400 days.
 */
const LEAD_S = { hour: 56 * 86400, day: 56 * 86400, month: 400 * 86400 };
/** Context shown around an alert's window when one is picked, seconds. */
const ALERT_CONTEXT_S = { hour: 3 * 86400, day: 60 * 86400, month: 3 * 365 * 86400 };
/** The alert list covers this much before now, or the window if longer. */
const ALERT_LIST_S = 30 * 86400;
/** Our monthly counts: as far back as the server keeps them. */
const OURS_BACK_S = 400 * 86400;

const UNIT = { hour: 'h', day: 'd', month: 'month' };
const PERIOD_WORDS = { hour: 'weeks (same hour of the week)', day: 'weeks (same weekday)', month: 'years (same month)' };
const METHOD_WORDS = { seasonal: 'seasonal', cusum: 'CUSUM', ewma: 'EWMA', changepoint: 'change point' };

/**
 * A source is simulated when its name says so: the same rule as the
 * server's flow report ("a source named SIMULATED or SIM").
 */
const isSimSource = (name) => /SIM/i.test(String(name || ''));

const iso = (s) => new Date(s * 1000).toISOString();
const secs = (t) => Math.floor(Date.parse(t) / 1000);
const num = (n) => (Number.isFinite(n) ? n.toLocaleString('en-US') : '—');

/** A probability or threshold the way the alerts print it: 5.1e-8, 0.012. */
function prob(p) {
  if (!Number.isFinite(p)) return '—';
  if (p === 0) return '0';
  return p < 0.001 ? p.toExponential(1) : String(+p.toFixed(3));
}

/** The evidence of an anomaly or alert in one line, on its method's own scale. */
export function evidenceText(a, by) {
  const u = UNIT[by] || 'bin';
  const m = METHOD_WORDS[a.method] || a.method;
  const way = a.shift === 'down' ? 'BELOW' : 'ABOVE';
  const obs = `observed ${Number(a.observed).toFixed(1)}/${u} vs expected ${Number(a.expected).toFixed(1)}/${u}`;
  let test;
  if (a.method === 'seasonal') test = `p = ${prob(a.p_value)} < ${prob(a.threshold)}`;
  else if (a.method === 'cusum') test = `CUSUM ${Number(a.score).toFixed(1)} > h ${prob(a.threshold)}`;
  else if (a.method === 'ewma') test = `EWMA ${Number(a.score).toFixed(1)} σ > L ${prob(a.threshold)}`;
  else if (a.method === 'changepoint') test = `P(change) ${Number(a.score).toFixed(3)} > ${prob(a.threshold)}`;
  else test = `score ${prob(a.score)}, threshold ${prob(a.threshold)}`;
  if (a.method !== 'seasonal' && Number.isFinite(a.p_value)) test += `, p = ${prob(a.p_value)}`;
  return `${m} ${way} · ${obs} · ${test}`;
}

/** "2026-12-03 06:00Z → 12:00Z" (the date repeated only when it changes). */
function spanText(from, to) {
  const a = isoText(from).replace(/:00Z$/, 'Z');
  const b = isoText(to).replace(/:00Z$/, 'Z');
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} → ${b.slice(11)}` : `${a} → ${b}`;
}

/** Zero is grey; more crossings run from pale amber to red, by share of the busiest. */
const RAMP = [
  [0, [255, 224, 138]],
  [0.5, [255, 140, 26]],
  [1, [255, 32, 32]],
];
// A sector with none is still drawn, in a colour the base map's borders do not use.
const NONE_COLOUR = '#7f9bbd';
export function shadeFor(share) {
  if (!(share > 0)) return NONE_COLOUR;
  const s = Math.min(1, share);
  let i = 0;
  while (i < RAMP.length - 2 && s > RAMP[i + 1][0]) i++;
  const [s0, c0] = RAMP[i];
  const [s1, c1] = RAMP[i + 1];
  const f = (s - s0) / (s1 - s0);
  const c = c0.map((v, k) => Math.round(v + (c1[k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
const widthFor = (share) => (share > 0 ? 4 + 6 * Math.min(1, share) : 3);

/**
 * Wires the Flows tab. `mapApi` is the COP's map, `now()` the server's
 * time in ms, `session` the web session (a simulation server marks all).
 */
export function createFlows({ mapApi, tabs, now, session }) {
  const map = mapApi.map;
  const view = $('flows-view');
  const stateLine = $('flows-state');
  const body = $('flows-body');
  const winSel = $('flows-window');
  const bySel = $('flows-by');
  const dirSel = $('flows-direction');
  const sectorSel = $('flows-sector');
  const legend = $('flows-legend');
  const legendSim = $('flows-legend-sim');
  const note = $('flows-note');
  const seriesHead = $('flows-series-title');
  const seriesSim = $('flows-series-sim');
  const seriesBox = $('flows-chart');
  const seriesErr = $('flows-series-error');
  const anomalyList = $('flows-anomalies');
  const provenance = $('flows-provenance');
  const alertList = $('flows-alerts');
  const alertsHead = $('flows-alerts-count');
  const alertsSim = $('flows-alerts-sim');
  const alertsErr = $('flows-alerts-error');
  const monthlyBox = $('flows-monthly');
  const monthlyHead = $('flows-monthly-title');
  const monthlyEmpty = $('flows-official-empty');
  const monthlySources = $('flows-monthly-sources');
  const monthlyErr = $('flows-monthly-error');
  const reportHtml = $('flows-report-html');
  const reportPdf = $('flows-report-pdf');

  // The map's own key: the shading read off the map needs its scale and,
  // for simulated counts, the SIMULATION label right there.
  const mapKey = el('div', 'flows-map-key');
  mapKey.setAttribute('data-testid', 'flows-map-key');
  mapKey.hidden = true;
  map.getContainer().append(mapKey);

  const seriesChart = createSeriesChart(seriesBox);
  const monthlyChart = createMonthlyChart(monthlyBox);

  const st = {
    shown: false,
    win: '7d',
    custom: null, // {from_s, to_s, words, alert: {id, from_s, to_s}} after an alert is picked
    by: 'hour',
    direction: 'northbound',
    sector: null,
    sectorChosen: false,
    fitted: false,
    layer: false,
    lastSectors: [],
    features: [],
  };
  const hook = {
    state: 'starting',
    window: null,
    sector: null,
    sectors: [],
    series: null,
    alerts: [],
    official: null,
    ours: null,
    refreshes: 0,
  };

  function span() {
    if (st.custom) return { from_s: st.custom.from_s, to_s: st.custom.to_s, words: st.custom.words };
    const w = WINDOWS[st.win];
    const to_s = Math.floor(now() / 1000);
    return { from_s: to_s - w.s, to_s, words: w.words };
  }

  // The map layer: one line per sector, drawn under the picture's symbols
  // and only while the tab is shown (the picture is read without it).
  function addLayer() {
    if (st.layer) return;
    map.addSource('flows-sectors', { type: 'geojson', data: { type: 'FeatureCollection', features: st.features } });
    const before = map.getLayer('trails') ? 'trails' : undefined;
    map.addLayer(
      {
        id: 'flows-sectors-selected',
        type: 'line',
        source: 'flows-sectors',
        filter: ['==', ['get', 'code'], ''],
        layout: { 'line-cap': 'round', 'line-join': 'round', visibility: 'none' },
        paint: { 'line-color': '#ffffff', 'line-width': ['+', ['get', 'width'], 6], 'line-opacity': 0.85 },
      },
      before,
    );
    map.addLayer(
      {
        id: 'flows-sectors',
        type: 'line',
        source: 'flows-sectors',
        layout: { 'line-cap': 'butt', 'line-join': 'round', visibility: 'none' },
        paint: { 'line-color': ['get', 'colour'], 'line-width': ['get', 'width'] },
      },
      before,
    );
    map.on('click', 'flows-sectors', (e) => {
      if (!st.shown || mapApi.placing || !e.features?.length) return;
      pickSector(e.features[0].properties.code);
    });
    st.layer = true;
    layerState();
    if (st.shown) fitBorder(st.lastSectors);
  }
  if (mapApi.loaded) addLayer();
  else map.once('load', () => setTimeout(addLayer, 0));

  function layerState() {
    mapKey.hidden = !st.shown || !st.features.length;
    if (!st.layer) return;
    const vis = st.shown ? 'visible' : 'none';
    for (const id of ['flows-sectors', 'flows-sectors-selected']) map.setLayoutProperty(id, 'visibility', vis);
    map.setFilter('flows-sectors-selected', ['==', ['get', 'code'], st.sector || '']);
    map.getSource('flows-sectors').setData({ type: 'FeatureCollection', features: st.features });
  }

  function fitBorder(sectors) {
    if (st.fitted || !st.layer) return;
    let w = 180, s = 90, e = -180, n = -90;
    for (const sec of sectors) {
      for (const [lon, lat] of sec.line || []) {
        w = Math.min(w, lon);
        e = Math.max(e, lon);
        s = Math.min(s, lat);
        n = Math.max(n, lat);
      }
    }
    if (w > e) return;
    st.fitted = true;
    map.fitBounds([[w, s], [e, n]], { padding: 40, duration: 0 });
  }

  // Showing and hiding: the side panel's frame (tabs.js) shows one tab at
  // a time, from a click or from code (an alert's "open suspense").
  function setShown(on) {
    if (st.shown === on) return;
    st.shown = on;
    layerState();
    if (on) refresh();
  }
  tabs.register('flows', { view, width: 'flows-wide', onShow: () => setShown(true), onHide: () => setShown(false) });

  function showState(r) {
    let words;
    let kind = 'error';
    if (r.code === 'no_flows') {
      words = `Flow counting is off on this server: ${r.message}. No counts, alerts or official series to show.`;
      kind = 'off';
    } else if (r.status === 401) {
      words = 'Log in to see the flows.';
      kind = 'login';
    } else if (r.code === 'offline') {
      words = 'Flows unreachable; retrying every 30 s.';
      kind = 'offline';
    } else {
      words = `Flows answered with an error: ${r.message} (${r.code}).`;
    }
    hook.state = kind;
    stateLine.hidden = false;
    stateLine.dataset.state = kind;
    stateLine.textContent = words;
    // With nothing counted there is nothing to show; a passing error
    // leaves what was drawn readable but dimmed, never passing for current.
    body.hidden = kind === 'off' || kind === 'login';
    body.classList.toggle('dim', true);
  }
  function clearState() {
    hook.state = 'live';
    stateLine.hidden = true;
    body.hidden = false;
    body.classList.remove('dim');
  }

  // Every run counts, failed or not: the test hook waits on it.
  const refresh = serial(async () => {
    if (!st.shown) return;
    try {
      await refreshNow();
    } finally {
      hook.refreshes++;
    }
  });

  async function refreshNow() {
    const win = span();
    hook.window = { from: iso(win.from_s), to: iso(win.to_s), words: win.words };
    const q = (o) => new URLSearchParams(o).toString();
    const [sec, cov] = await Promise.all([
      getJson(`/api/flows/sectors?${q({ from: iso(win.from_s), to: iso(win.to_s) })}`),
      getJson(`/api/flows/coverage?${q({ from: iso(win.from_s), to: iso(win.to_s) })}`),
    ]);
    if (!sec.ok) {
      showState(sec);
      return;
    }
    clearState();
    const sectors = Array.isArray(sec.body.sectors) ? sec.body.sectors : [];
    const simWindow = Boolean(session.simulation) || (cov.ok && (cov.body.sources || []).some((s) => isSimSource(s.source)));
    pickDefaultSector(sectors);
    drawSectors(sectors, sec.body, simWindow);
    st.lastSectors = sectors;
    fitBorder(sectors);
    reportLinks(win);
    const code = st.sector;
    const nowS = Math.floor(now() / 1000);
    const alertFrom = Math.min(win.from_s, nowS - ALERT_LIST_S);
    const [series, alerts, alertCov, official, ours] = await Promise.all([
      code
        ? getJson(`/api/flows/series?${q({ sector: code, by: st.by, direction: st.direction, from: iso(win.from_s - LEAD_S[st.by]), to: iso(win.to_s) })}`)
        : null,
      getJson(`/api/flows/alerts?${q({ from: iso(alertFrom) })}`),
      getJson(`/api/flows/coverage?${q({ from: iso(alertFrom), to: iso(nowS) })}`),
      code ? getJson(`/api/flows/official?${q({ component: 'USBP', sector: code })}`) : null,
      code ? getJson(`/api/flows/counts?${q({ sector: code, by: 'month', direction: st.direction, from: iso(nowS - OURS_BACK_S), to: iso(nowS) })}`) : null,
    ]);
    const sectorName = sectors.find((s) => s.code === code)?.name || code || '';
    drawSeries(series, cov, win, code, sectorName);
    const simAlerts = Boolean(session.simulation) || (alertCov.ok && (alertCov.body.sources || []).some((s) => isSimSource(s.source)));
    drawAlerts(alerts, alertFrom, simAlerts);
    drawMonthly(official, ours, code, sectorName);
  }

  function pickDefaultSector(sectors) {
    const codes = sectors.map((s) => s.code);
    if (st.sectorChosen && codes.includes(st.sector)) return;
    let best = null;
    for (const s of sectors) {
      const n = (s.totals || {})[st.direction] || 0;
      if (!best || n > ((best.totals || {})[st.direction] || 0)) best = s;
    }
    st.sector = best ? best.code : null;
    st.sectorChosen = false;
  }

  function drawSectors(sectors, answer, simulated) {
    const max = Math.max(0, ...sectors.map((s) => (s.totals || {})[st.direction] || 0));
    st.features = sectors
      .filter((s) => Array.isArray(s.line) && s.line.length >= 2)
      .map((s) => {
        const n = (s.totals || {})[st.direction] || 0;
        const share = max > 0 ? n / max : 0;
        return {
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: s.line },
          properties: { code: s.code, name: s.name, count: n, colour: shadeFor(share), width: widthFor(share) },
        };
      });
    layerState();

    // The sector picker follows the sectors the server has.
    const sig = sectors.map((s) => `${s.code}:${s.name}`).join('|');
    if (sectorSel.dataset.sig !== sig) {
      sectorSel.dataset.sig = sig;
      sectorSel.replaceChildren(...sectors.map((s) => new Option(`${s.code} ${s.name}`, s.code)));
    }
    sectorSel.value = st.sector || '';

    const rows = sectors.map((s) => {
      const t = s.totals || {};
      const n = t[st.direction] || 0;
      const share = max > 0 ? n / max : 0;
      const colour = shadeFor(share);
      const tr = el('tr', `flows-sector-row${s.code === st.sector ? ' selected' : ''}`);
      tr.setAttribute('data-testid', 'flows-sector-row');
      tr.dataset.code = s.code;
      tr.dataset.count = String(n);
      tr.dataset.colour = colour;
      tr.tabIndex = 0;
      const sw = el('span', 'swatch');
      sw.style.background = colour;
      sw.style.height = `${Math.round(widthFor(share))}px`;
      const c0 = el('td', 'sw');
      c0.append(sw);
      const code = el('td', 'code', s.code);
      const name = el('td', 'name', s.name);
      name.title = `${num(Math.round(s.from_km))}–${num(Math.round(s.to_km))} km along the border (west to east)`;
      tr.append(c0, code, name, el('td', 'n', num(t.northbound ?? 0)), el('td', 'n', num(t.southbound ?? 0)), el('td', 'n', num(t.turn_backs ?? 0)));
      tr.addEventListener('click', () => pickSector(s.code));
      tr.addEventListener('keydown', (e) => e.key === 'Enter' && pickSector(s.code));
      return tr;
    });
    legend.replaceChildren(...rows);
    legend.dataset.max = String(max);
    legend.dataset.direction = st.direction;
    legendSim.hidden = !simulated;
    drawMapKey(max, simulated);
    const out = answer.outside || {};
    const outside = (out.northbound || 0) + (out.southbound || 0) + (out.turn_backs || 0) > 0
      ? ` Outside every sector: ${num(out.northbound || 0)} N, ${num(out.southbound || 0)} S.`
      : '';
    note.textContent = `Shaded by ${st.direction} crossings, ${span().words} (busiest ${num(max)}). ${answer.note ? `Note: ${answer.note}.` : ''}${outside}`;
    hook.sectors = sectors.map((s) => ({ code: s.code, name: s.name, totals: s.totals, colour: shadeFor(max > 0 ? ((s.totals || {})[st.direction] || 0) / max : 0) }));
    hook.sector = st.sector;
    hook.note = answer.note || '';
  }

  function drawMapKey(max, simulated) {
    const title = el('div', 'title', `Sectors: ${st.direction} crossings, ${span().words}`);
    const ramp = el('div', 'ramp');
    ramp.style.background = `linear-gradient(to right, ${shadeFor(0.001)}, ${shadeFor(0.5)}, ${shadeFor(1)})`;
    const none = el('span', 'none');
    none.style.background = shadeFor(0);
    const scale = el('div', 'scale');
    scale.append(none, el('span', 'lo', '0'), ramp, el('span', 'hi', num(max)));
    mapKey.replaceChildren(title, scale);
    if (simulated) {
      const tag = el('span', 'sim-tag', 'SIMULATION');
      tag.setAttribute('data-testid', 'flows-map-sim');
      mapKey.append(tag);
    }
    mapKey.dataset.max = String(max);
    mapKey.hidden = !st.shown || !st.features.length;
  }

  function reportLinks(win) {
    const q = new URLSearchParams({ from: iso(win.from_s), to: iso(win.to_s), ...(st.sector ? { sector: st.sector } : {}) });
    reportHtml.href = `/api/flows/report?${q}`;
    q.set('format', 'pdf');
    reportPdf.href = `/api/flows/report?${q}`;
  }

  function drawSeries(r, cov, win, code, sectorName) {
    const byWords = { hour: 'per hour', day: 'per day', month: 'per month' }[st.by];
    seriesHead.textContent = code ? `${code} ${sectorName}: ${st.direction} crossings ${byWords}, ${win.words}` : 'No sector';
    if (!r) {
      seriesChart.clear();
      hook.series = null;
      return;
    }
    if (!r.ok) {
      seriesErr.hidden = false;
      seriesErr.textContent = `series: ${r.message}`;
      return;
    }
    seriesErr.hidden = true;
    const b = r.body;
    const starts = (b.starts || []).map(secs);
    const ends = starts.slice(1).concat([Math.min(win.to_s, secs(b.to))]);
    // The bins before the window were fetched for the baseline's sake only.
    let i0 = 0;
    while (i0 < starts.length && ends[i0] <= win.from_s) i0++;
    const band = b.baseline || null;
    const cut = (a) => (Array.isArray(a) ? a.slice(i0) : starts.slice(i0).map(() => null));
    const xs = starts.slice(i0);
    const values = cut(b.values);
    const expected = band ? cut(band.expected) : cut(null);
    const low = band ? cut(band.low) : cut(null);
    const high = band ? cut(band.high) : cut(null);
    // One more point at the window's end so the last bin is drawn with its width.
    const endX = ends[ends.length - 1] ?? win.to_s;
    const data = [
      [...xs, endX],
      [...values, values.at(-1) ?? null],
      [...high, high.at(-1) ?? null],
      [...low, low.at(-1) ?? null],
      [...expected, expected.at(-1) ?? null],
    ];
    const readyIdx = band ? band.ready_from - i0 : Infinity;
    const earlyUntil = readyIdx <= 0 ? null : readyIdx >= xs.length ? endX : xs[readyIdx];
    const anomalies = (b.anomalies || [])
      .map((a) => ({ ...a, from_s: secs(a.from), to_s: secs(a.to) }))
      .filter((a) => a.to_s > win.from_s && a.from_s < win.to_s);
    const alert = st.custom?.alert || null;
    const simulated = Boolean(session.simulation) || (b.coverage?.sources || []).some((s) => isSimSource(s.source));
    seriesBox.dataset.sector = code;
    seriesBox.dataset.by = st.by;
    seriesBox.dataset.bins = String(xs.length);
    seriesBox.dataset.anomalies = String(anomalies.length);
    seriesBox.dataset.band = band ? 'yes' : 'no';
    seriesBox.dataset.simulated = simulated ? 'yes' : 'no';
    seriesSim.hidden = !simulated;
    if (xs.length) seriesChart.set(data, { anomalies, alert, early_until: earlyUntil });
    else seriesChart.clear();

    anomalyList.replaceChildren(
      ...(anomalies.length
        ? anomalies.map((a) => {
            const row = el('div', `flows-anomaly ${a.shift === 'down' ? 'down' : 'up'}`);
            row.setAttribute('data-testid', 'flows-anomaly');
            row.dataset.method = a.method;
            row.append(el('span', 'when', spanText(a.from, a.to)), el('span', 'ev', evidenceText(a, st.by)));
            return row;
          })
        : [el('div', 'empty', band ? `No anomaly in the window at the detectors' thresholds.` : 'No baseline for this series (too little history).')]),
    );
    anomalyList.dataset.count = String(anomalies.length);

    const parts = [];
    if (cov.ok) {
      const c = cov.body;
      const pct = c.hours ? Math.round((100 * c.covered_hours) / c.hours) : 0;
      const gaps = c.gaps || [];
      const srcs = (c.sources || []).map((s) => `${s.source} (${num(s.hours)} h)`);
      parts.push(
        `Coverage: ${num(c.covered_hours)} of ${num(c.hours)} h in the window had sensor reports (${pct} %); ` +
          `${gaps.length} gap${gaps.length === 1 ? '' : 's'}` +
          (gaps.length ? ` (first ${spanText(iso(gaps[0][0]), iso(gaps[0][1]))})` : '') +
          `; sources: ${srcs.length ? srcs.join(', ') : 'none'}.`,
      );
      provenance.dataset.hours = String(c.hours);
      provenance.dataset.covered = String(c.covered_hours);
      provenance.dataset.gaps = String(gaps.length);
    } else {
      parts.push(`Coverage unknown: ${cov.message}.`);
    }
    const m = b.method;
    if (m) {
      parts.push(
        `Baseline: the ${m.k_periods} ${PERIOD_WORDS[st.by]} before each bin; the band holds the counts that raise no seasonal alert at α = ${prob(m.alpha)}; ` +
          `methods ${(m.methods || []).map((x) => METHOD_WORDS[x] || x).join(', ')}.`,
      );
    }
    if (earlyUntil != null) parts.push('Grey: too little history for the band to alert on; indicative only.');
    if (simulated) parts.push('SIMULATION: these counts are simulated (a source named SIMULATED), training data, not observations.');
    provenance.textContent = parts.join(' ');
    hook.series = {
      sector: code,
      by: st.by,
      bins: xs.length,
      total: values.reduce((a, v) => a + (v || 0), 0),
      anomalies: anomalies.map((a) => ({ method: a.method, shift: a.shift, from: a.from, to: a.to })),
      band: Boolean(band),
      simulated,
      sources: (b.coverage?.sources || []).map((s) => s.source),
    };
  }

  function drawAlerts(r, fromS, simulated) {
    if (!r.ok) {
      alertsErr.hidden = false;
      alertsErr.textContent = `alerts: ${r.message}`;
      return;
    }
    alertsErr.hidden = true;
    const list = Array.isArray(r.body.alerts) ? r.body.alerts : [];
    // The server sends newest first; keep that order even if it changes.
    list.sort((a, b) => Date.parse(b.raised) - Date.parse(a.raised));
    alertsHead.textContent = `${list.length} raised since ${isoText(iso(fromS)).slice(0, 10)}`;
    alertsSim.hidden = !simulated || !list.length;
    const picked = st.custom?.alert?.id;
    alertList.replaceChildren(
      ...(list.length
        ? list.map((a) => {
            const row = el('div', `flows-alert ${a.shift === 'down' ? 'down' : 'up'}${a.id === picked ? ' selected' : ''}`);
            row.setAttribute('data-testid', 'flows-alert');
            row.dataset.id = a.id;
            row.dataset.sector = a.sector;
            row.dataset.method = a.method;
            row.tabIndex = 0;
            row.title = 'show this sector and window in the chart';
            const head = el('div', 'head');
            head.append(
              el('span', 'sector', a.sector),
              el('span', 'what', `${a.series || ''} ${a.shift === 'down' ? 'BELOW' : 'ABOVE'} baseline`),
              el('span', 'raised', `raised ${isoText(a.raised)}`),
            );
            const ev = el('div', 'evidence', `${spanText(a.from, a.to)} · ${evidenceText(a, a.resolution)}`);
            ev.setAttribute('data-testid', 'flows-alert-evidence');
            const text = el('div', 'text', a.text || '');
            text.setAttribute('data-testid', 'flows-alert-text');
            row.append(head, ev, text);
            row.addEventListener('click', () => pickAlert(a));
            row.addEventListener('keydown', (e) => e.key === 'Enter' && pickAlert(a));
            return row;
          })
        : [el('div', 'empty', 'No alert raised in this period.')]),
    );
    hook.alerts = list.map((a) => ({ id: a.id, sector: a.sector, method: a.method, text: a.text }));
  }

  function drawMonthly(official, ours, code, sectorName) {
    monthlyHead.textContent = code ? `${code} ${sectorName}: official monthly series and ours` : 'Monthly';
    if (!official || !ours) {
      monthlyChart.clear();
      return;
    }
    const errs = [official, ours].filter((r) => !r.ok).map((r) => r.message);
    monthlyErr.hidden = !errs.length;
    monthlyErr.textContent = errs.length ? `monthly: ${errs.join('; ')}` : '';
    const off = official.ok
      ? (official.body.series || []).find((s) => String(s.key?.sector).toUpperCase() === code && String(s.key?.component).toUpperCase() === 'USBP')
      : null;
    const byMonth = new Map();
    const slot = (k) => {
      if (!byMonth.has(k)) byMonth.set(k, { official: null, ours: null });
      return byMonth.get(k);
    };
    if (off) off.months.forEach((k, i) => (slot(k).official = off.values[i] ?? null));
    // Ours only from the first month any sensor reported: zeros before it
    // are months nobody watched, not months nobody crossed.
    let oursMonths = 0;
    let oursSources = [];
    let oursSpan = null;
    if (ours.ok) {
      const sources = ours.body.coverage?.sources || [];
      oursSources = sources.map((s) => s.source);
      const first = Math.min(...sources.map((s) => s.first_s));
      if (sources.length && Number.isFinite(first)) {
        const firstMonth = iso(first).slice(0, 7);
        (ours.body.starts || []).forEach((t, i) => {
          const k = t.slice(0, 7);
          if (k < firstMonth) return;
          slot(k).ours = ours.body.values[i] ?? 0;
          oursMonths++;
          oursSpan = oursSpan ? [oursSpan[0], k] : [k, k];
        });
      }
    }
    const keys = [...byMonth.keys()].sort();
    const xs = keys.map((k) => Date.UTC(Number(k.slice(0, 4)), Number(k.slice(5, 7)) - 1, 1) / 1000);
    if (keys.length) monthlyChart.set([xs, keys.map((k) => byMonth.get(k).official), keys.map((k) => byMonth.get(k).ours)]);
    else monthlyChart.clear();
    monthlyBox.hidden = !keys.length;
    monthlyBox.dataset.officialMonths = String(off ? off.months.length : 0);
    monthlyBox.dataset.oursMonths = String(oursMonths);
    monthlyEmpty.hidden = Boolean(off) || !official.ok;
    monthlyEmpty.textContent = `No official series for USBP ${code} is imported: an admin imports the published tables with "watchfloor flows import" or POST /api/flows/official.`;

    const oursSim = Boolean(session.simulation) || oursSources.some(isSimSource);
    const lines = [];
    if (off) {
      const k = off.key;
      const line = el('div', 'src official');
      line.setAttribute('data-testid', 'flows-official-source');
      line.append(
        el('span', 'key', 'Official'),
        ` U.S. Border Patrol monthly apprehensions, ${k.component} ${k.sector} (${k.region}), ${off.from} to ${off.to}: ${num(off.months.length)} months, total ${num(off.total)}; from an imported file of published tables.`,
      );
      lines.push(line);
    }
    const line = el('div', 'src ours');
    line.setAttribute('data-testid', 'flows-ours-source');
    line.append(el('span', 'key', 'Ours'));
    if (oursMonths) {
      if (oursSim) {
        const tag = el('span', 'sim-tag', 'SIMULATION');
        tag.setAttribute('data-testid', 'flows-ours-sim');
        line.append(' ', tag);
      }
      line.append(
        ` ${st.direction} crossings counted by watchfloor from the sensors' tracks, ${oursSpan[0]} to ${oursSpan[1]} (the last month so far): sources ${oursSources.join(', ')}.` +
          (oursSim ? ' Simulated history, not observations.' : ''),
      );
    } else {
      line.append(` no counts of ours in the last ${Math.round(OURS_BACK_S / 86400)} days.`);
    }
    lines.push(line);
    monthlySources.replaceChildren(...lines);
    hook.official = off ? { key: off.key, months: off.months.length, from: off.from, to: off.to, total: off.total } : null;
    hook.ours = { months: oursMonths, simulated: oursSim, sources: oursSources };
  }

  function pickSector(code) {
    if (!code) return;
    st.sector = code;
    st.sectorChosen = true;
    refresh();
  }

  function pickAlert(a) {
    const by = ['hour', 'day', 'month'].includes(a.resolution) ? a.resolution : 'hour';
    const from_s = secs(a.from);
    const to_s = secs(a.to);
    const ctx = ALERT_CONTEXT_S[by];
    const nowS = Math.floor(now() / 1000);
    st.sector = a.sector;
    st.sectorChosen = true;
    st.by = by;
    bySel.value = by;
    st.custom = {
      from_s: from_s - ctx,
      to_s: Math.min(nowS, to_s + Math.round(ctx / 3)),
      words: `around alert ${a.sector} ${isoText(a.from).slice(0, 16)}Z`,
      alert: { id: a.id, from_s, to_s },
    };
    let opt = winSel.querySelector('option[value="alert"]');
    if (!opt) {
      opt = new Option('', 'alert');
      winSel.append(opt);
    }
    opt.textContent = `alert ${a.sector}`;
    winSel.value = 'alert';
    hook.picked = a.id;
    refresh();
  }

  winSel.addEventListener('change', () => {
    if (winSel.value === 'alert') return;
    st.custom = null;
    winSel.querySelector('option[value="alert"]')?.remove();
    st.win = WINDOWS[winSel.value] ? winSel.value : '7d';
    st.by = WINDOWS[st.win].by;
    bySel.value = st.by;
    refresh();
  });
  bySel.addEventListener('change', () => {
    st.by = LEAD_S[bySel.value] ? bySel.value : 'hour';
    refresh();
  });
  dirSel.addEventListener('change', () => {
    st.direction = dirSel.value === 'southbound' ? 'southbound' : 'northbound';
    refresh();
  });
  sectorSel.addEventListener('change', () => pickSector(sectorSel.value));
  $('flows-refresh').addEventListener('click', () => refresh());
  winSel.value = st.win;
  bySel.value = st.by;
  dirSel.value = st.direction;

  setInterval(() => {
    if (st.shown && !document.hidden) refresh();
  }, REFRESH_MS);

  hook.refresh = () => refresh();
  hook.show = () => $('flows-tab')?.click();
  hook.pickSector = pickSector;
  hook.layer = 'flows-sectors';
  return { hook };
}
