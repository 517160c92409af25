// UTM on WGS-84, written for the MGRS grid (mgrsgrid.js), which needs the
// inverse (grid line → lat/lon) that the mgrs package does not expose, and
// more accuracy near zone edges than its older power series gives.
//
// Transverse Mercator by the Krüger n-series (as set out by Karney, 2011):
// the conformal latitude is computed exactly, the series terms go to n⁴,
// which is far below a millimetre anywhere within a 6° zone. The inverse
// recovers geodetic from conformal latitude by a short fixed-point iteration
// instead of a truncated series, so forward∘inverse is exact to rounding.

const A_AXIS = 6378137; // WGS-84 semi-major axis, metres
const FLAT = 1 / 298.257223563; // WGS-84 flattening
const K0 = 0.9996; // UTM central scale factor
const FALSE_EASTING = 500000;
const FALSE_NORTHING_SOUTH = 10000000;

const N = FLAT / (2 - FLAT); // third flattening
const N2 = N * N;
const N3 = N2 * N;
const N4 = N3 * N;
const ECC = Math.sqrt(FLAT * (2 - FLAT)); // first eccentricity
// Rectifying radius: meridian arc length per radian of rectifying latitude.
const RECT = (A_AXIS / (1 + N)) * (1 + N2 / 4 + N4 / 64);
const KA = K0 * RECT;

// Krüger coefficients, forward (alpha) and inverse (beta), to order n⁴.
const ALPHA = [
  N / 2 - (2 / 3) * N2 + (5 / 16) * N3 + (41 / 180) * N4,
  (13 / 48) * N2 - (3 / 5) * N3 + (557 / 1440) * N4,
  (61 / 240) * N3 - (103 / 140) * N4,
  (49561 / 161280) * N4,
];
const BETA = [
  N / 2 - (2 / 3) * N2 + (37 / 96) * N3 - (1 / 360) * N4,
  (1 / 48) * N2 + (1 / 15) * N3 - (437 / 1440) * N4,
  (17 / 480) * N3 - (37 / 840) * N4,
  (4397 / 161280) * N4,
];

const DEG = Math.PI / 180;

/** Conformal latitude (radians) of geodetic latitude `phi` (radians). */
function conformal(phi) {
  const s = Math.sin(phi);
  return Math.atan(Math.sinh(Math.atanh(s) - ECC * Math.atanh(ECC * s)));
}

/** Geodetic latitude (radians) whose conformal latitude is `chi`. */
function geodetic(chi) {
  // dχ/dφ is within e² (0.7 %) of 1, so each step gains ~2 digits; 8 steps
  // reach rounding everywhere short of the poles, which UTM never uses.
  let phi = chi;
  for (let i = 0; i < 8; i++) {
    const d = chi - conformal(phi);
    phi += d;
    if (Math.abs(d) < 1e-15) break;
  }
  return phi;
}

/** Central meridian (degrees) of UTM zone 1–60. */
export function zoneCentralMeridian(zone) {
  return -183 + 6 * zone;
}

/** The standard 6° UTM zone (1–60) of a longitude; 180° belongs to zone 60. */
export function zoneOf(lon) {
  const z = Math.floor((lon + 180) / 6) + 1;
  return Math.min(60, Math.max(1, z));
}

/**
 * Transverse Mercator about `lon0` (degrees): grid easting (with the 500 km
 * false easting) and a signed northing (negative south of the equator, no
 * false northing), in metres. The signed form keeps grid lines continuous
 * across the equator, which the grid tracer relies on.
 */
export function gridForward(lat, lon, lon0) {
  const phi = lat * DEG;
  let dl = (lon - lon0) * DEG;
  // Keep the longitude difference in −π..π so zones near ±180° work.
  if (dl > Math.PI) dl -= 2 * Math.PI;
  else if (dl < -Math.PI) dl += 2 * Math.PI;
  const chi = conformal(phi);
  const t = Math.tan(chi);
  const xi1 = Math.atan2(t, Math.cos(dl));
  const eta1 = Math.atanh(Math.sin(dl) / Math.sqrt(1 + t * t));
  let xi = xi1;
  let eta = eta1;
  for (let j = 1; j <= 4; j++) {
    const a = ALPHA[j - 1];
    xi += a * Math.sin(2 * j * xi1) * Math.cosh(2 * j * eta1);
    eta += a * Math.cos(2 * j * xi1) * Math.sinh(2 * j * eta1);
  }
  return { easting: FALSE_EASTING + KA * eta, northing: KA * xi };
}

/** Inverse of `gridForward`: easting and signed northing about `lon0` → {lat, lon} degrees. */
export function gridInverse(easting, northing, lon0) {
  const xi = northing / KA;
  const eta = (easting - FALSE_EASTING) / KA;
  let xi1 = xi;
  let eta1 = eta;
  for (let j = 1; j <= 4; j++) {
    const b = BETA[j - 1];
    xi1 -= b * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
    eta1 -= b * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
  }
  const chi = Math.asin(Math.sin(xi1) / Math.cosh(eta1));
  const phi = geodetic(chi);
  let lon = lon0 + Math.atan2(Math.sinh(eta1), Math.cos(xi1)) / DEG;
  if (lon > 180) lon -= 360;
  else if (lon < -180) lon += 360;
  return { lat: phi / DEG, lon };
}

/**
 * Lat/lon (degrees) → standard UTM: {zone, hemisphere 'N'|'S', easting,
 * northing} with the 10,000 km false northing south of the equator. `zone`
 * defaults to the standard 6° zone of `lon` (the Norway/Svalbard
 * exceptions are not applied); pass one to project into a neighbour zone.
 */
export function utmForward(lat, lon, zone = zoneOf(lon)) {
  const { easting, northing } = gridForward(lat, lon, zoneCentralMeridian(zone));
  const hemisphere = lat < 0 ? 'S' : 'N';
  return { zone, hemisphere, easting, northing: hemisphere === 'S' ? northing + FALSE_NORTHING_SOUTH : northing };
}

/** Standard UTM (zone, 'N'|'S', easting, northing) → {lat, lon} degrees. */
export function utmInverse(zone, hemisphere, easting, northing) {
  const y = hemisphere === 'S' ? northing - FALSE_NORTHING_SOUTH : northing;
  return gridInverse(easting, y, zoneCentralMeridian(zone));
}
