// Extracts the US–Mexico land boundary from the world-atlas package (Natural
// Earth 1:10m countries, TopoJSON, ISC; Natural Earth data is public domain):
// the arcs shared by the geometries with ISO numeric ids 840 (USA) and 484
// (Mexico), decoded (quantised, delta-encoded), chained into one line and
// oriented west to east, so that its left is the US side. Writes
// crates/flows/data/us-mx-border.json, which the flows crate embeds.
//
//   node scripts/extract-border.mjs [web/node_modules/world-atlas/countries-10m.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const input = process.argv[2] || join(root, 'web/node_modules/world-atlas/countries-10m.json');
const topo = JSON.parse(readFileSync(input, 'utf8'));
const geoms = topo.objects.countries.geometries;

/** Every arc index a geometry uses, as the unreversed index. */
function arcsOf(id) {
  const g = geoms.find((x) => String(x.id) === id);
  if (!g) throw new Error(`no geometry ${id} in ${input}`);
  const out = new Set();
  const walk = (a) => (Array.isArray(a) ? a.forEach(walk) : out.add(a < 0 ? ~a : a));
  walk(g.arcs);
  return out;
}

const us = arcsOf('840');
const mx = arcsOf('484');
const shared = [...us].filter((i) => mx.has(i));
if (shared.length === 0) throw new Error('the two countries share no arc');

const [sx, sy] = topo.transform.scale;
const [tx, ty] = topo.transform.translate;
/** Decodes arc `i` to [lon, lat] points. */
function decode(i) {
  let x = 0;
  let y = 0;
  return topo.arcs[i].map(([dx, dy]) => {
    x += dx;
    y += dy;
    return [x * sx + tx, y * sy + ty];
  });
}

// Chain the pieces: start at the westernmost end, then keep taking the piece
// that starts (or, reversed, ends) where the line ends.
const same = (a, b) => Math.abs(a[0] - b[0]) < 1e-9 && Math.abs(a[1] - b[1]) < 1e-9;
let pieces = shared.map(decode);
const ends = pieces.flatMap((p, k) => [{ k, at: p[0], rev: false }, { k, at: p[p.length - 1], rev: true }]);
const first = ends.reduce((m, e) => (e.at[0] < m.at[0] ? e : m));
let line = first.rev ? [...pieces[first.k]].reverse() : [...pieces[first.k]];
pieces = pieces.map((p, k) => (k === first.k ? null : p));
for (;;) {
  const end = line[line.length - 1];
  const k = pieces.findIndex((p) => p && (same(p[0], end) || same(p[p.length - 1], end)));
  if (k < 0) break;
  const p = same(pieces[k][0], end) ? pieces[k] : [...pieces[k]].reverse();
  line = line.concat(p.slice(1));
  pieces[k] = null;
}
const left = pieces.filter(Boolean).length;
if (left) throw new Error(`${left} shared arc(s) do not join the line`);
if (line[0][0] > line[line.length - 1][0]) line.reverse();

const round = (v) => Math.round(v * 1e6) / 1e6;
const out = {
  what: 'US–Mexico land boundary, west to east (left = US side)',
  source: 'world-atlas 2.0.2 countries-10m.json (Natural Earth 1:10m), arcs shared by ids 840 and 484',
  licence: 'world-atlas: ISC; Natural Earth data: public domain',
  made_by: 'scripts/extract-border.mjs',
  vertices: line.map(([lon, lat]) => [round(lon), round(lat)]),
};
const file = join(root, 'crates/flows/data/us-mx-border.json');
writeFileSync(file, JSON.stringify(out) + '\n');
console.log(`${file}: ${out.vertices.length} vertices from ${shared.length} arc(s), ` +
  `${out.vertices[0]} to ${out.vertices[out.vertices.length - 1]}`);
