// Formatting of positions, speeds and times for the panels.
import { forward as mgrsForward } from 'mgrs';

/** Degrees to D°M'S" with a hemisphere letter. */
export function dms(deg, pos, neg) {
  if (typeof deg !== 'number' || !Number.isFinite(deg)) return '—';
  const h = deg < 0 ? neg : pos;
  let a = Math.abs(deg);
  let d = Math.floor(a);
  let m = Math.floor((a - d) * 60);
  let s = (a - d - m / 60) * 3600;
  if (s >= 59.95) {
    s = 0;
    m += 1;
  }
  if (m >= 60) {
    m = 0;
    d += 1;
  }
  return `${d}°${String(m).padStart(2, '0')}'${s.toFixed(1).padStart(4, '0')}"${h}`;
}

/** "31.330000, -109.200000" and its D°M'S form. */
export function latLonText(lat, lon) {
  return {
    decimal: `${lat.toFixed(6)}, ${lon.toFixed(6)}`,
    dms: `${dms(lat, 'N', 'S')} ${dms(lon, 'E', 'W')}`,
  };
}

/** MGRS at 1 m precision, spaced for reading aloud; "—" near the poles where MGRS uses UPS. */
export function mgrsText(lat, lon) {
  try {
    const m = mgrsForward([lon, lat], 5);
    const mm = /^(\d{1,2}[A-Z])([A-Z]{2})(\d{5})(\d{5})$/.exec(m);
    return mm ? `${mm[1]} ${mm[2]} ${mm[3]} ${mm[4]}` : m;
  } catch {
    return '—';
  }
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
