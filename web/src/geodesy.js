// Distances, bearings and circles on the WGS-84 ellipsoid, for the measure,
// range-ring and drawing tools. Vincenty's inverse and direct formulae
// (1975), iterated to 1e-12 rad (well under a millimetre); the inverse falls
// back to the sphere for nearly antipodal points, where it does not converge.

const A = 6378137.0; // WGS-84 semi-major axis, metres
const F = 1 / 298.257223563;
const B = A * (1 - F);
const MEAN_R = 6371008.8; // IUGG mean radius, for the spherical fallback
const RAD = Math.PI / 180;

/** Great-circle distance and initial bearing on the mean sphere. */
function sphereInverse(lat1, lon1, lat2, lon2) {
  const p1 = lat1 * RAD;
  const p2 = lat2 * RAD;
  const dl = (lon2 - lon1) * RAD;
  const h = Math.sin((p2 - p1) / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  const metres = 2 * MEAN_R * Math.asin(Math.min(1, Math.sqrt(h)));
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  return { metres, bearing: (Math.atan2(y, x) / RAD + 360) % 360 };
}

/**
 * From point 1 to point 2 (degrees): `{metres, bearing}`, the bearing in
 * degrees from true north, 0 ≤ b < 360 (0 for coincident points).
 */
export function inverse(lat1, lon1, lat2, lon2) {
  if (![lat1, lon1, lat2, lon2].every(Number.isFinite)) return { metres: NaN, bearing: NaN };
  const L = (lon2 - lon1) * RAD;
  const U1 = Math.atan((1 - F) * Math.tan(lat1 * RAD));
  const U2 = Math.atan((1 - F) * Math.tan(lat2 * RAD));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  for (let i = 0; i < 200; i++) {
    const sinL = Math.sin(lambda);
    const cosL = Math.cos(lambda);
    const sinSigma = Math.hypot(cosU2 * sinL, cosU1 * sinU2 - sinU1 * cosU2 * cosL);
    if (sinSigma === 0) return { metres: 0, bearing: 0 };
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma;
    const cos2Alpha = 1 - sinAlpha * sinAlpha;
    // On the equator cos²α is 0 and the term drops out.
    const cos2SigmaM = cos2Alpha !== 0 ? cosSigma - (2 * sinU1 * sinU2) / cos2Alpha : 0;
    const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
    const prev = lambda;
    lambda = L + (1 - C) * F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - prev) < 1e-12) {
      const u2 = (cos2Alpha * (A * A - B * B)) / (B * B);
      const k1 = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const k2 = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const dSigma =
        k2 * sinSigma * (cos2SigmaM + (k2 / 4) * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) - (k2 / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
      const metres = B * k1 * (sigma - dSigma);
      const az = Math.atan2(cosU2 * Math.sin(lambda), cosU1 * sinU2 - sinU1 * cosU2 * Math.cos(lambda));
      return { metres, bearing: (az / RAD + 360) % 360 };
    }
  }
  return sphereInverse(lat1, lon1, lat2, lon2);
}

/** The point `metres` from lat/lon along `bearing` degrees: `[lat, lon]`. */
export function direct(lat, lon, bearing, metres) {
  const a1 = bearing * RAD;
  const sinA1 = Math.sin(a1);
  const cosA1 = Math.cos(a1);
  const tanU1 = (1 - F) * Math.tan(lat * RAD);
  const cosU1 = 1 / Math.sqrt(1 + tanU1 * tanU1);
  const sinU1 = tanU1 * cosU1;
  const sigma1 = Math.atan2(tanU1, cosA1);
  const sinAlpha = cosU1 * sinA1;
  const cos2Alpha = 1 - sinAlpha * sinAlpha;
  const u2 = (cos2Alpha * (A * A - B * B)) / (B * B);
  const k1 = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const k2 = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  let sigma = metres / (B * k1);
  let cos2SigmaM = 0;
  let sinSigma = 0;
  let cosSigma = 1;
  for (let i = 0; i < 200; i++) {
    cos2SigmaM = Math.cos(2 * sigma1 + sigma);
    sinSigma = Math.sin(sigma);
    cosSigma = Math.cos(sigma);
    const dSigma =
      k2 * sinSigma * (cos2SigmaM + (k2 / 4) * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) - (k2 / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
    const next = metres / (B * k1) + dSigma;
    if (Math.abs(next - sigma) < 1e-12) {
      sigma = next;
      break;
    }
    sigma = next;
  }
  sinSigma = Math.sin(sigma);
  cosSigma = Math.cos(sigma);
  cos2SigmaM = Math.cos(2 * sigma1 + sigma);
  const x = sinU1 * sinSigma - cosU1 * cosSigma * cosA1;
  const lat2 = Math.atan2(sinU1 * cosSigma + cosU1 * sinSigma * cosA1, (1 - F) * Math.hypot(sinAlpha, x));
  const lambda = Math.atan2(sinSigma * sinA1, cosU1 * cosSigma - sinU1 * sinSigma * cosA1);
  const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
  const L = lambda - (1 - C) * F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
  let lon2 = lon + L / RAD;
  lon2 = ((((lon2 + 180) % 360) + 360) % 360) - 180;
  return [lat2 / RAD, lon2];
}

/**
 * A circle (or an ellipse of semi-axes `major`/`minor` metres, `angle`
 * degrees from north) as a closed ring of `[lon, lat]`, GeoJSON's order.
 */
export function ring(lat, lon, major, minor = major, angle = 0, steps = 72) {
  const out = [];
  for (let i = 0; i <= steps; i++) {
    const t = (i % steps) * ((2 * Math.PI) / steps);
    // A point of the ellipse in its own axes, then its bearing and distance.
    const along = major * Math.cos(t);
    const across = minor * Math.sin(t);
    const r = Math.hypot(along, across);
    const b = angle + Math.atan2(across, along) / RAD;
    const [la, lo] = direct(lat, lon, b, r);
    out.push([lo, la]);
  }
  return out;
}

/** A distance for the watch floor: metres under 1 km, then km, with nautical miles. */
export function distanceText(metres) {
  if (!Number.isFinite(metres)) return '';
  const nm = metres / 1852;
  const main = metres < 1000 ? `${metres.toFixed(0)} m` : `${(metres / 1000).toFixed(metres < 100000 ? 2 : 1)} km`;
  return `${main} (${nm.toFixed(nm < 10 ? 2 : 1)} NM)`;
}

/** A bearing as three digits and a tenth, true: `045.0° T`. */
export function bearingText(deg) {
  if (!Number.isFinite(deg)) return '';
  const d = ((deg % 360) + 360) % 360;
  const r = Math.round(d * 10) / 10;
  return `${(r >= 360 ? 0 : r).toFixed(1).padStart(5, '0')}° T`;
}
