// The flows panel's two charts, drawn in the page with uPlot (bundled, so
// nothing is fetched at run time): a sector's count series with its
// seasonal band and the anomalies shaded, and the official monthly series
// beside our own monthly counts. Times are UTC seconds throughout: the
// watch floor reads Z times whatever zone the browser is set to.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const utcDate = (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');

const AXIS = {
  stroke: '#9aa9b8',
  grid: { stroke: '#1f2a36', width: 1 },
  ticks: { stroke: '#2a3745', width: 1 },
  font: '12px system-ui, "DejaVu Sans", Arial, sans-serif',
};

const COUNT = '#4fb3ff';
const BAND_EDGE = 'rgba(53, 208, 127, 0.55)';
const BAND_FILL = 'rgba(53, 208, 127, 0.16)';
const EXPECTED = '#35d07f';
const ANOMALY_FILL = 'rgba(255, 59, 59, 0.22)';
const ANOMALY_MARK = '#ff3b3b';
const ALERT_EDGE = '#ffb020';
const EARLY_FILL = 'rgba(154, 169, 184, 0.10)';
const OFFICIAL = '#c6a8ff';
const OURS = '#ffb020';

/**
 * Time ticks in UTC and 24-hour time, the watch floor's way: hours with
 * the date under midnight, days as MM-DD with the year under January 1,
 * months as YYYY-MM, years alone; which one by the ticks' spacing.
 */
function timeTicks(u, splits, axisIdx, space, incr) {
  return splits.map((ts, i) => {
    if (ts == null) return null;
    const t = new Date(ts * 1000).toISOString();
    const date = t.slice(5, 10);
    if (incr < 86400) {
      const hm = `${t.slice(11, 16)}Z`;
      return t.slice(11, 16) === '00:00' || i === 0 ? `${hm}\n${date}` : hm;
    }
    if (incr < 28 * 86400) return date === '01-01' || i === 0 ? `${date}\n${t.slice(0, 4)}` : date;
    if (incr < 365 * 86400) return t.slice(0, 7);
    return t.slice(0, 4);
  });
}

/** Big numbers on the y axis stay short: 12k, 1.2M. */
function shortNum(v) {
  if (v == null) return '';
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(2));
}

/**
 * A uPlot that follows its box's width, made on the first `set` with data
 * (a hidden box has no width to make it with).
 */
function sized(box, height, makeOpts) {
  let plot = null;
  let last = null;
  const width = () => Math.max(240, Math.floor(box.clientWidth || 0));
  new ResizeObserver(() => {
    if (plot && box.clientWidth > 0 && Math.abs(plot.width - width()) > 2) plot.setSize({ width: width(), height });
  }).observe(box);
  return {
    set(data, extra) {
      last = extra;
      if (!plot) {
        plot = new uPlot({ ...makeOpts(() => last), width: width(), height }, data, box);
      } else {
        plot.setData(data);
      }
    },
    clear() {
      if (plot) plot.destroy();
      plot = null;
      box.replaceChildren();
    },
    get plot() {
      return plot;
    },
  };
}

/** Shades `[from_s, to_s)` over the plot area. */
function shade(u, from_s, to_s, fill) {
  const { left, top, width, height } = u.bbox;
  const x0 = Math.max(left, u.valToPos(from_s, 'x', true));
  const x1 = Math.min(left + width, u.valToPos(to_s, 'x', true));
  if (!(x1 > x0 - 1)) return null;
  u.ctx.fillStyle = fill;
  u.ctx.fillRect(x0, top, Math.max(2, x1 - x0), height);
  return [x0, Math.max(x0 + 2, x1)];
}

/**
 * The count series of one sector. `set(view)` draws `view`: `xs` the bin
 * starts (with one more at the window's end, so the last bin has width),
 * `values`, `expected`, `low`, `high` (null where there is no band),
 * `early_until` (bins before it have too little history for the band to
 * alert on), `anomalies` [{from_s, to_s}], `alert` {from_s, to_s} or null,
 * and `unit` for the legend ("per hour").
 */
export function createSeriesChart(box, height = 230) {
  const steps = uPlot.paths.stepped({ align: 1 });
  return sized(box, height, (extra) => ({
    tzDate: utcDate,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(4, max * 1.08)] } },
    axes: [{ ...AXIS, values: timeTicks }, { ...AXIS, size: 46, values: (u, vals) => vals.map(shortNum) }],
    series: [
      { label: 'bin (UTC)', value: '{YYYY}-{MM}-{DD} {HH}:{mm}Z' },
      { label: 'count', stroke: COUNT, width: 2, paths: steps, points: { show: false }, value: (u, v) => (v == null ? '—' : String(v)) },
      { label: 'band high', stroke: BAND_EDGE, width: 1, paths: steps, points: { show: false }, value: (u, v) => (v == null ? '—' : v.toFixed(0)) },
      { label: 'band low', stroke: BAND_EDGE, width: 1, paths: steps, points: { show: false }, value: (u, v) => (v == null ? '—' : v.toFixed(0)) },
      { label: 'expected', stroke: EXPECTED, width: 1.5, dash: [5, 4], paths: steps, points: { show: false }, value: (u, v) => (v == null ? '—' : v.toFixed(1)) },
    ],
    bands: [{ series: [2, 3], fill: BAND_FILL }],
    hooks: {
      // Behind the series: where the band is indicative only, and the
      // anomalies' windows.
      drawClear: [
        (u) => {
          const v = extra();
          if (!v) return;
          if (v.early_until != null) shade(u, u.scales.x.min, v.early_until, EARLY_FILL);
          for (const a of v.anomalies) shade(u, a.from_s, a.to_s, ANOMALY_FILL);
        },
      ],
      // Over them: a mark on top of each anomaly, so a one-bin spike is
      // seen at any zoom, and the selected alert's window outlined.
      draw: [
        (u) => {
          const v = extra();
          if (!v) return;
          const { top, height: h, left, width: w } = u.bbox;
          const ctx = u.ctx;
          ctx.save();
          for (const a of v.anomalies) {
            const x = Math.min(left + w, Math.max(left, u.valToPos(a.from_s, 'x', true)));
            ctx.fillStyle = ANOMALY_MARK;
            ctx.beginPath();
            ctx.moveTo(x - 6, top);
            ctx.lineTo(x + 6, top);
            ctx.lineTo(x, top + 10);
            ctx.closePath();
            ctx.fill();
          }
          if (v.alert) {
            const x0 = Math.max(left, u.valToPos(v.alert.from_s, 'x', true));
            const x1 = Math.min(left + w, u.valToPos(v.alert.to_s, 'x', true));
            if (x1 >= x0) {
              ctx.strokeStyle = ALERT_EDGE;
              ctx.lineWidth = 2 * (window.devicePixelRatio || 1);
              ctx.setLineDash([6, 4]);
              ctx.strokeRect(x0, top + 1, Math.max(3, x1 - x0), h - 2);
            }
          }
          ctx.restore();
        },
      ],
    },
  }));
}

/**
 * The monthly comparison: `set({xs, official, ours})`, month starts in
 * seconds and one value (or null) per month for each.
 */
export function createMonthlyChart(box, height = 180) {
  return sized(box, height, () => ({
    tzDate: utcDate,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(10, (max || 0) * 1.08)] } },
    axes: [{ ...AXIS, values: timeTicks }, { ...AXIS, size: 50, values: (u, vals) => vals.map(shortNum) }],
    series: [
      { label: 'month', value: '{YYYY}-{MM}' },
      { label: 'official', stroke: OFFICIAL, width: 1.5, points: { show: false }, spanGaps: false, value: (u, v) => (v == null ? '—' : v.toLocaleString('en-US')) },
      // Ours are few months at most: points, so one month shows.
      { label: 'ours', stroke: OURS, width: 2, points: { show: true, size: 6, fill: OURS }, spanGaps: false, value: (u, v) => (v == null ? '—' : v.toLocaleString('en-US')) },
    ],
  }));
}
