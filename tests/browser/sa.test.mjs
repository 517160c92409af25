// A pytak client's SA reaches the page's object list and the map within 2 s.

import assert from 'node:assert/strict';

import { copTest, openCop, tid } from './lib/browser.mjs';

copTest('sa appears in list and on map within two seconds', {}, async ({ server, page, peer }) => {
  await openCop(page, server);
  const p = await peer(server.tcp, 'alpha');
  const uid = `ANDROID-sa-${Date.now()}`;
  // Inside the initial view (session centre 31.33 N 109.2 W, zoom 9).
  const sentAt = Date.now();
  await p.sa(uid, 'ALPHA 1-1', 31.35, -109.18);
  await page.waitForFunction(
    (u) => document.querySelector(`[data-testid="object-row"][data-uid="${u}"]`) !== null
      && window.__wf.renderedUids().includes(u),
    uid,
    { timeout: 5000, polling: 25 },
  );
  const elapsed = Date.now() - sentAt;
  console.log(`# SA to list+map: ${elapsed} ms`);
  assert.ok(elapsed < 2000, `SA took ${elapsed} ms to show (limit 2000 ms)`);

  // The row says who it is; selecting it fills the details pane.
  const row = page.locator(tid('object-row', `[data-uid="${uid}"]`));
  assert.match(await row.innerText(), /ALPHA 1-1/);
  await row.click();
  await page.waitForSelector(tid('details-callsign'), { timeout: 3000 });
  assert.match(await page.locator(tid('details-callsign')).innerText(), /ALPHA 1-1/);
  assert.match(await page.locator(tid('details-type')).innerText(), /a-f-G-U-C/);
  // 31.35 N 109.18 W is in MGRS zone 12R; ten-digit grid.
  assert.match(await page.locator(tid('details-mgrs')).innerText(), /12R\s*[A-Z]{2}\s*\d{5}\s*\d{5}/);
  assert.match(await page.locator(tid('details-latlon')).innerText(), /31\.35/);
  const model = await page.evaluate((u) => window.__wf.objects.get(u), uid);
  assert.equal(model.callsign, 'ALPHA 1-1');
  assert.ok(Math.abs(model.lat - 31.35) < 1e-6 && Math.abs(model.lon + 109.18) < 1e-6, JSON.stringify(model));
  assert.equal(model.contact, true);
});

copTest('an aircraft shows its flight and ICAO address in the details', {}, async ({ server, page, peer }) => {
  await openCop(page, server);
  const p = await peer(server.tcp, 'radar');
  await p.sa(`ANDROID-air-${Date.now()}`, 'RADAR OPS');
  const uid = `wf-air-${Date.now()}`;
  const now = new Date();
  const t = now.toISOString();
  const stale = new Date(now.getTime() + 120_000).toISOString();
  await p.send({
    op: 'raw',
    xml: `<event version="2.0" uid="${uid}" type="a-u-A" how="m-f" time="${t}" start="${t}" stale="${stale}">`
      + '<point lat="31.36" lon="-109.15" hae="10668" ce="50" le="9999999"/>'
      + '<detail><contact callsign="DLH65A"/><_aircot_ flight="DLH65A" icao="3C6444"/></detail></event>',
  });
  const row = page.locator(tid('object-row', `[data-uid="${uid}"]`));
  await row.waitFor({ timeout: 5000 });
  await row.click();
  await page.waitForSelector(tid('details-flight'), { timeout: 3000 });
  assert.equal(await page.locator(tid('details-flight')).innerText(), 'DLH65A');
  assert.equal(await page.locator(tid('details-icao')).innerText(), '3C6444');
});
