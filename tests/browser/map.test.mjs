// The COP's readable offline map (issue 14): a basemap archive the server
// serves, chosen in the layer panel and drawn; the MGRS grid and the cursor
// read-out; go-to by MGRS and coordinates (and a text that is neither); labels
// thinned instead of drawn over each other; the layer choice kept after a
// reload; export of the view as a PNG that decodes and of the list as CSV;
// range reads of the archive, past its end too; the ATAK map source.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { copTest, openCop, tid } from './lib/browser.mjs';
import { ARTIFACTS, sleep } from './lib/server.mjs';

// TEST DATA: a checkerboard archive, red and blue tiles to zoom 5.
const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-basemap-'));
const archive = path.join(dir, 'checker.mbtiles');
execFileSync('python3', [path.join(import.meta.dirname, 'lib', 'make_mbtiles.py'), archive, '5']);

/** Sends CoT events over one TCP connection, then closes it. */
async function sendCot(port, xmls) {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((r, j) => sock.once('connect', r).once('error', j));
  for (const x of xmls) sock.write(x);
  await sleep(300);
  sock.end();
}

function cot(uid, callsign, type, lat, lon) {
  const now = new Date();
  const stale = new Date(now.getTime() + 10 * 60000);
  return `<event version="2.0" uid="${uid}" type="${type}" how="m-g" time="${now.toISOString()}" start="${now.toISOString()}" stale="${stale.toISOString()}"><point lat="${lat}" lon="${lon}" hae="0" ce="10" le="10"/><detail><contact callsign="${callsign}"/></detail></event>`;
}

copTest('offline map: basemap, grid, cursor, go-to, labels, layers kept, export', { server: { extraArgs: ['--basemap', archive] }, timeoutMs: 90000 }, async ({ server, page }) => {
  // Twenty tracks within a few hundred metres, and two friendly units.
  const xmls = [];
  for (let i = 1; i <= 20; i++) xmls.push(cot(`trk-${i}`, `TRK-${i}`, 'a-u-G', 31.3 + i * 0.0004, -109.25 + (i % 5) * 0.0004));
  xmls.push(cot('unit-a', 'ALPHA 1', 'a-f-G-U-C', 31.302, -109.249));
  xmls.push(cot('unit-far', 'BRAVO 9', 'a-f-G-U-C', 31.6, -108.7));
  await sendCot(server.tcp, xmls);
  await openCop(page, server);
  await page.waitForFunction(() => window.__wf.objects.size >= 22, null, { timeout: 8000 });

  // The first view frames everything live: both ends of the spread are in it.
  const framed = await page.evaluate(() => {
    const b = window.__wf.map.getBounds();
    return b.contains([-109.25, 31.3]) && b.contains([-108.7, 31.6]);
  });
  assert.ok(framed, 'the first view holds every live object');

  // Natural order in the list: TRK-2 before TRK-10.
  const order = await page.evaluate(() => [...document.querySelectorAll('[data-testid="object-row"]')].map((r) => r.dataset.uid));
  assert.ok(order.indexOf('trk-2') < order.indexOf('trk-10'), `order ${order.join(' ')}`);

  // The session offers the archive; the layer panel chooses it and its tiles are drawn.
  const s = await page.evaluate(async () => (await fetch('/api/web/session')).json());
  const bm = s.basemaps.find((b) => b.name === 'Test checkerboard');
  assert.ok(bm, JSON.stringify(s.basemaps));
  await page.click(tid('layers-button'));
  await page.locator(tid('layer-panel')).waitFor({ state: 'visible' });
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-layer-panel.png') });
  await page.check(tid(`basemap-bm-${bm.id}`));
  await page.waitForFunction((id) => window.__wf.map.getLayoutProperty(id, 'visibility') === 'visible' && window.__wf.map.isSourceLoaded(id), `bm-${bm.id}`, { timeout: 10000 });
  const tile = await page.evaluate(async (t) => {
    const r = await fetch(t.replace('{z}', '2').replace('{x}', '0').replace('{y}', '1'));
    return { status: r.status, type: r.headers.get('content-type'), len: (await r.arrayBuffer()).byteLength };
  }, bm.tiles);
  assert.deepEqual([tile.status, tile.type], [200, 'image/png'], JSON.stringify(tile));

  // Export the view: a PNG that decodes, with the tile colour in it.
  const png = await page.evaluate(async () => {
    document.querySelector('[data-testid="export-png"]').click();
    for (let i = 0; i < 100 && !(window.__wf.export.last && window.__wf.export.last.kind === 'png'); i++) await new Promise((r) => setTimeout(r, 50));
    const blob = window.__wf.export.last.blob;
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    // One read of the whole image: a read per pixel stalls the GPU each time.
    const px = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const at = (x, y) => px.slice((y * bmp.width + x) * 4, (y * bmp.width + x) * 4 + 3);
    const colours = new Set();
    for (let y = 60; y < bmp.height - 60; y += 37) {
      for (let x = 5; x < bmp.width; x += 41) {
        const [r, g, b] = at(x, y);
        if ((r === 200 && g === 60 && b === 40) || (r === 40 && g === 90 && b === 200)) colours.add(`${r},${g},${b}`);
      }
    }
    const [tr, tg, tb] = at(Math.floor(bmp.width / 2), 5);
    return { w: bmp.width, h: bmp.height, size: blob.size, colours: [...colours], band: [tr, tg, tb] };
  });
  assert.ok(png.w > 300 && png.h > 300 && png.size > 1000, JSON.stringify(png));
  assert.ok(png.colours.length >= 1, `tile colours in the export: ${JSON.stringify(png)}`);
  assert.deepEqual(png.band, [0, 122, 51], 'the classification band is on the slide');

  // The list as CSV: a header and a row per listed object.
  const csv = await page.evaluate(async () => {
    document.querySelector('[data-testid="export-csv"]').click();
    for (let i = 0; i < 50 && !(window.__wf.export.last && window.__wf.export.last.kind === 'csv'); i++) await new Promise((r) => setTimeout(r, 50));
    return window.__wf.export.last.text;
  });
  const lines = csv.trim().split('\r\n');
  assert.match(lines[0], /^callsign,uid,type,what,lat,lon,mgrs,/);
  // Our 22 and the watch floor's own position, which the page reports.
  const listed = await page.evaluate(() => document.querySelectorAll('[data-testid="object-row"]').length);
  assert.equal(listed, 23);
  assert.equal(lines.length, 1 + listed, csv);
  assert.ok(lines.some((l) => l.startsWith('WATCH FLOOR,')));
  assert.ok(lines.some((l) => l.startsWith('TRK-10,trk-10,a-u-G,')));

  // Zoom into the cluster: symbols all drawn, labels thinned, the unit's label kept.
  await page.evaluate(() => void window.__wf.map.jumpTo({ center: [-109.2492, 31.304], zoom: 14 }));
  await page.waitForFunction(() => window.__wf.mapApi.renderedUids().filter((u) => u.startsWith('trk-')).length === 20, null, { timeout: 8000 });
  await page.waitForFunction(() => window.__wf.mapApi.labelledUids().length > 0, null, { timeout: 8000 });
  const labels = await page.evaluate(() => window.__wf.mapApi.labelledUids());
  assert.ok(labels.length < 21, `labels thinned: ${labels.length}`);
  assert.ok(labels.includes('unit-a'), `the unit wins its label over the tracks: ${labels.join(' ')}`);

  // The MGRS grid: 1 km lines at this zoom, 10 km further out.
  await page.check(tid('layer-grid'));
  await page.waitForFunction(() => window.__wf.map.querySourceFeatures('grid-lines').some((f) => f.properties.kind === '1k'), null, { timeout: 5000 });
  await page.evaluate(() => void window.__wf.map.jumpTo({ center: [-109.2, 31.35], zoom: 10 }));
  await page.waitForFunction(() => window.__wf.map.querySourceFeatures('grid-lines').some((f) => f.properties.kind === '10k'), null, { timeout: 5000 });
  assert.ok(await page.evaluate(() => window.__wf.map.querySourceFeatures('grid-labels').length > 0), 'grid labels');

  // The cursor read-out: the MGRS of the point under the pointer.
  const box = await page.locator('#map canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => /^\d{1,2}[C-X] [A-Z]{2} \d{5} \d{5}$/.test(document.querySelector('[data-testid="cursor-mgrs"]').textContent), null, { timeout: 3000 });
  assert.match(await page.locator(tid('cursor-dms')).innerText(), /^\d+°\d\d'\d\d\.\d"N \d+°\d\d'\d\d\.\d"W$/);
  assert.match(await page.locator(tid('cursor-latlon')).innerText(), /^31\.\d+, -109\.\d+$/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-grid-basemap.png') });

  // Go-to: the MGRS the read-out gave (the point under the pointer), from
  // elsewhere; then decimal degrees. The map centres there each time.
  const mgrs0 = await page.locator(tid('cursor-mgrs')).innerText();
  const ll0 = await page.evaluate(({ x, y }) => window.__wf.map.unproject([x, y]), { x: box.width / 2, y: box.height / 2 });
  await page.evaluate(() => void window.__wf.map.jumpTo({ center: [-108.5, 31.9], zoom: 9 }));
  await page.fill(tid('search'), mgrs0.toLowerCase().replace(/ /g, ''));
  await page.locator(tid('goto-msg')).waitFor({ state: 'visible' });
  assert.match(await page.locator(tid('goto-msg')).innerText(), /^Enter: go to/);
  await page.press(tid('search'), 'Enter');
  await page.waitForFunction(() => !window.__wf.map.isMoving(), null, { timeout: 8000 });
  await sleep(200);
  let c = await page.evaluate(() => window.__wf.map.getCenter());
  assert.ok(Math.abs(c.lat - ll0.lat) < 3e-5 && Math.abs(c.lng - ll0.lng) < 3e-5, `centre ${JSON.stringify(c)} vs ${mgrs0} ${JSON.stringify(ll0)}`);
  const target = { lat: 31.5, lon: -110.1 };
  await page.fill(tid('search'), `${target.lat} ${target.lon}`);
  await page.press(tid('search'), 'Enter');
  await page.waitForFunction(() => !window.__wf.map.isMoving(), null, { timeout: 8000 });
  await sleep(200);
  c = await page.evaluate(() => window.__wf.map.getCenter());
  assert.ok(Math.abs(c.lat - 31.5) < 1e-3 && Math.abs(c.lng + 110.1) < 1e-3, `centre ${JSON.stringify(c)}`);
  // Not a coordinate: said beneath the box, the map stays put.
  await page.fill(tid('search'), '99Q ZZ 123');
  await page.press(tid('search'), 'Enter');
  await page.locator(`${tid('goto-msg')}.error`).waitFor({ state: 'visible', timeout: 3000 });
  assert.match(await page.locator(tid('goto-msg')).innerText(), /^Not a position:/);
  const still = await page.evaluate(() => window.__wf.map.getCenter());
  assert.ok(Math.abs(still.lat - 31.5) < 1e-3, 'a bad go-to does not move the map');
  await page.fill(tid('search'), '');

  // The layer choice is kept after a reload: places off, grid on, the archive chosen.
  await page.uncheck(tid('layer-places'));
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.__wf && window.__wf.ready === true, null, { timeout: 15000 });
  const kept = await page.evaluate(() => window.__wf.layers.state());
  assert.equal(kept.on.places, false);
  assert.equal(kept.on.grid, true);
  assert.equal(kept.basemap, `bm-${bm.id}`);
  await page.waitForFunction((id) => window.__wf.map.getLayoutProperty(id, 'visibility') === 'visible', `bm-${bm.id}`, { timeout: 5000 });
  assert.equal(await page.evaluate(() => window.__wf.map.getLayoutProperty('place-labels-0', 'visibility')), 'none');

  // The archive by range, past its end too; the map source ATAK imports.
  const ranges = await page.evaluate(async (id) => {
    const part = await fetch(`/basemaps/${id}/archive`, { headers: { Range: 'bytes=0-15' } });
    const head = new Uint8Array(await part.arrayBuffer());
    const past = await fetch(`/basemaps/${id}/archive`, { headers: { Range: 'bytes=999999999-' } });
    const xml = await (await fetch(`/basemaps/${id}/mapsource.xml`)).text();
    return { status: part.status, len: head.length, magic: String.fromCharCode(...head.slice(0, 15)), past: past.status, pastRange: past.headers.get('content-range'), xml };
  }, bm.id);
  assert.equal(ranges.status, 206);
  assert.equal(ranges.len, 16);
  assert.equal(ranges.magic, 'SQLite format 3');
  assert.equal(ranges.past, 416);
  assert.match(ranges.pastRange, /^bytes \*\/\d+$/);
  assert.match(ranges.xml, /<customMapSource>[\s\S]*<url>http:\/\/[^<]+\{\$z\}\/\{\$x\}\/\{\$y\}[^<]*<\/url>/);
});
