// The map tools (issue 14): measure gives the distance and bearing of the
// points clicked (checked against an independent haversine); range rings at
// the ranges typed, and a clear refusal of a range that does not read; a
// polygon and a circle drawn in the page reach a pytak client as TAK
// drawings (u-d-f with closed vertices, u-d-c-c with its radius) and are
// drawn on the map; a rectangle drawn in ATAK is drawn on the page too.

import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';

import { copTest, openCop, setField, tid } from './lib/browser.mjs';
import { ARTIFACTS, sleep } from './lib/server.mjs';

/** Great-circle metres on the mean sphere: independent of the page's Vincenty. */
function haversine(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180;
  const h = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

copTest('tools: measure, range rings, drawings to and from the field', { timeoutMs: 90000 }, async ({ server, page, peer }) => {
  const p = await peer(server.tcp, 'echo');
  await p.sa(`ANDROID-tools-${Date.now()}`, 'ECHO 5', 31.35, -109.15);
  await openCop(page, server);
  await page.evaluate(() => void window.__wf.map.jumpTo({ center: [-109.2, 31.33], zoom: 11 }));
  await sleep(300);
  const canvas = await page.locator('#map canvas').boundingBox();
  /** Clicks the map at lat/lon (it must be in view). */
  const clickAt = async (lat, lon, opts = {}) => {
    const xy = await page.evaluate(([la, lo]) => window.__wf.map.project([lo, la]), [lat, lon]);
    await page.mouse.click(canvas.x + xy.x, canvas.y + xy.y, opts);
  };

  // Measure: two legs; the read-out gives the last leg, its bearing and the total.
  await page.click(tid('tool-measure'));
  await clickAt(31.30, -109.25);
  await clickAt(31.36, -109.25);
  await clickAt(31.36, -109.18);
  const m = await page.evaluate(() => window.__wf.tools.state());
  assert.equal(m.tool, 'measure');
  assert.equal(m.points.length, 3);
  const [a, b, c] = m.points;
  const leg = haversine(...b, ...c);
  const total = haversine(...a, ...b) + leg;
  const km = (text, label) => {
    const hit = text.match(label);
    assert.ok(hit, `${label} in ${text}`);
    return Number(hit[1]);
  };
  // The ellipsoid and the sphere differ by well under 0.5 % here.
  assert.ok(Math.abs(km(m.text, /^([\d.]+) km/) * 1000 - leg) < leg * 0.005, `${m.text} vs ${leg}`);
  assert.ok(Math.abs(km(m.text, /total ([\d.]+) km/) * 1000 - total) < total * 0.005, `${m.text} vs ${total}`);
  // Due east, give or take the pixel the click landed on.
  const bearing = km(m.text, /· (\d{3}\.\d)° T/);
  assert.ok(Math.abs(bearing - 90) < 1, m.text);
  assert.match(await page.locator(tid('tool-text')).innerText(), /over 2 legs/);
  await page.click(tid('tool-finish'));
  assert.equal((await page.evaluate(() => window.__wf.tools.state())).tool, null, 'finish ends the tool');
  assert.ok(await page.locator(tid('tool-clear')).isVisible(), 'the legs stay until cleared');

  // Range rings: a range that does not read is said, and nothing is drawn.
  await page.click(tid('tool-rings'));
  await page.fill(tid('rings-input'), '2, lots');
  await clickAt(31.33, -109.2);
  assert.match(await page.locator(tid('tool-text')).innerText(), /^Range rings: not a range in km \(0 to 500\): lots$/);
  await page.fill(tid('rings-input'), '3, 1');
  await clickAt(31.33, -109.2);
  const rings = await page.evaluate(() => window.__wf.tools.state());
  assert.deepEqual(rings.rings, [1000, 3000]);
  await page.waitForFunction(() => window.__wf.map.querySourceFeatures('tool').filter((f) => f.geometry.type === 'LineString').length >= 2, null, { timeout: 3000 });
  assert.match(await page.locator(tid('tool-text')).innerText(), /^Rings at 1 km, 3 km around 31\.3/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'tools-rings.png') });
  await page.click(tid('tool-clear'));
  assert.ok(await page.locator(tid('tool-readout')).isHidden());

  // A polygon: three clicks, Finish, the dialog, and the field gets a closed u-d-f.
  await page.click(tid('tool-draw'));
  await page.selectOption(tid('draw-kind'), 'polygon');
  await clickAt(31.32, -109.22);
  await clickAt(31.34, -109.22);
  assert.ok(await page.locator(tid('tool-finish')).isHidden(), 'two points are not a polygon yet');
  await clickAt(31.34, -109.19);
  await page.click(tid('tool-finish'));
  const dialog = page.locator(tid('shape-dialog'));
  await dialog.waitFor({ state: 'visible', timeout: 3000 });
  await setField(dialog, 'label', 'OBJ NORTH');
  await setField(dialog, 'color', '#ff0000');
  await setField(dialog, 'remarks', 'hold & observe');
  let since = p.mark();
  await page.click(tid('shape-save'));
  const poly = await p.waitCot((e) => e.callsign === 'OBJ NORTH', 5000, 'the polygon', since);
  assert.equal(poly.type, 'u-d-f');
  assert.equal(poly.points.length, 4, JSON.stringify(poly.points));
  assert.equal(poly.points[0], poly.points[3], 'a polygon closes on its first vertex');
  assert.equal(poly.stroke, '-65536', 'red, as TAK packs it');
  assert.equal(poly.remarks, 'hold & observe');
  const [plat, plon] = poly.points[1].split(',').map(Number);
  assert.ok(Math.abs(plat - 31.34) < 0.001 && Math.abs(plon + 109.22) < 0.001, poly.points[1]);
  await dialog.waitFor({ state: 'hidden', timeout: 3000 });
  await page.waitForFunction((uid) => window.__wf.mapApi.shapeUids().includes(uid), poly.uid, { timeout: 5000 });

  // A circle: centre, then edge; the field gets its radius.
  await page.click(tid('tool-draw'));
  await page.selectOption(tid('draw-kind'), 'circle');
  await clickAt(31.31, -109.17);
  await clickAt(31.32, -109.17);
  await dialog.waitFor({ state: 'visible', timeout: 3000 });
  const what = await dialog.locator('.shape-what').innerText();
  assert.match(what, /^Circle, radius 1\.\d\d km/);
  await setField(dialog, 'label', 'RALLY 2');
  since = p.mark();
  await page.click(tid('shape-save'));
  const circle = await p.waitCot((e) => e.callsign === 'RALLY 2', 5000, 'the circle', since);
  assert.equal(circle.type, 'u-d-c-c');
  const r = Number(circle.ellipse.major);
  assert.ok(Math.abs(r - 1109) < 30, `radius ${r}`);
  assert.equal(circle.ellipse.minor, circle.ellipse.major);
  assert.ok(Math.abs(circle.lat - 31.31) < 0.001, 'the circle sits at its centre');
  await page.waitForFunction((uid) => window.__wf.mapApi.shapeUids().includes(uid), circle.uid, { timeout: 5000 });

  // A rectangle drawn in ATAK (its four corners) is drawn here too.
  const now = new Date();
  const stale = new Date(now.getTime() + 600000);
  const rect = `<event version="2.0" uid="atak-rect-1" type="u-d-r" how="h-e" time="${now.toISOString()}" start="${now.toISOString()}" stale="${stale.toISOString()}"><point lat="31.29" lon="-109.24" hae="0" ce="9999999" le="9999999"/><detail><link point="31.29,-109.24"/><link point="31.29,-109.21"/><link point="31.28,-109.21"/><link point="31.28,-109.24"/><strokeColor value="-16711936"/><contact callsign="LZ BIRD"/></detail></event>`;
  const sock = net.connect(server.tcp, '127.0.0.1');
  await new Promise((res, rej) => sock.once('connect', res).once('error', rej));
  sock.write(rect);
  await page.waitForFunction(() => window.__wf.mapApi.shapeUids().includes('atak-rect-1'), null, { timeout: 5000 });
  sock.end();
  const drawn = await page.evaluate(() => {
    const f = window.__wf.map.querySourceFeatures('shapes').find((x) => x.properties.uid === 'atak-rect-1');
    return { type: f.geometry.type, stroke: f.properties.stroke };
  });
  assert.deepEqual(drawn, { type: 'Polygon', stroke: '#00ff00' });
});
