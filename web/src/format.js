// Formatting of positions, speeds and times for the panels. Positions are
// formatted by coords.js (one tested implementation); these are the panels'
// forms of them.
import { formatDms, formatMgrs } from './coords.js';

/** "31.330000, -109.200000" and its D°M'S form. */
export function latLonText(lat, lon) {
  return {
    decimal: `${lat.toFixed(6)}, ${lon.toFixed(6)}`,
    dms: formatDms(lat, lon) || '—',
  };
}

/** MGRS at 1 m precision, spaced for reading aloud; "—" near the poles where MGRS uses UPS. */
export function mgrsText(lat, lon) {
  return formatMgrs(lat, lon, 5) || '—';
}

/** Speed in m/s, km/h and knots. */
export function speedText(mps) {
  if (typeof mps !== 'number' || !Number.isFinite(mps)) return '—';
  return `${mps.toFixed(1)} m/s · ${(mps * 3.6).toFixed(1)} km/h · ${(mps * 1.943844).toFixed(1)} kn`;
}

/** Course in degrees true. */
export function courseText(deg) {
  if (typeof deg !== 'number' || !Number.isFinite(deg)) return '—';
  return `${Math.round(((deg % 360) + 360) % 360).toString().padStart(3, '0')}° T`;
}

/** Height above the ellipsoid, metres and feet. */
export function altText(hae) {
  if (typeof hae !== 'number' || !Number.isFinite(hae)) return '—';
  return `${Math.round(hae)} m HAE (${Math.round(hae * 3.28084)} ft)`;
}

/** A short age: "12 s", "4 min", "3 h", "2 d". */
export function ageText(ms) {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/** "2026-11-28 03:25:57Z" for a time in ms. */
export function utcText(ms) {
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** "03:25:57" for the chat and the clock. */
export function hmsText(ms) {
  if (!Number.isFinite(ms)) return '--:--:--';
  return new Date(ms).toISOString().slice(11, 19);
}

/**
 * A key under which plain string order is natural order: digit runs are
 * padded to one width, so TRK-5 sorts before TRK-10, and case is folded.
 */
export function naturalKey(text) {
  return String(text).toUpperCase().replace(/\d+/g, (d) => d.replace(/^0+(?=\d)/, '').padStart(12, '0'));
}

/** Compares two names in natural order (see `naturalKey`). */
export function naturalCompare(a, b) {
  const x = naturalKey(a);
  const y = naturalKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
