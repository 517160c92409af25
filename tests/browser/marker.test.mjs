// A marker placed on the map in the page reaches a pytak client as CoT with
// the label as its callsign.

import assert from 'node:assert/strict';

import { copTest, openCop, setField, tid } from './lib/browser.mjs';

copTest('marker placed in browser reaches pytak', {}, async ({ server, page, peer }) => {
  const p = await peer(server.tcp, 'delta');
  await p.sa(`ANDROID-mk-${Date.now()}`, 'DELTA 4');
  await openCop(page, server);

  const label = `OP NORTH ${Date.now() % 100000}`;
  await page.click(tid('marker-tool'));
  const canvas = page.locator('canvas.maplibregl-canvas, .maplibregl-canvas').first();
  const box = await canvas.boundingBox();
  assert.ok(box, 'the map canvas is on the page');
  await page.mouse.click(box.x + box.width / 2 + 40, box.y + box.height / 2 - 30);
  const dialog = page.locator(tid('marker-dialog'));
  await dialog.waitFor({ state: 'visible', timeout: 3000 });
  await setField(dialog, 'label', label);
  // The kind stays at the dialog's default (point of interest): the
  // affiliation chosen must still decide what the marker is.
  await setField(dialog, 'affiliation', 'h');
  await setField(dialog, 'remarks', 'seen from the tower');
  const since = p.mark();
  await page.click(tid('marker-save'));

  const cot = await p.waitCot((e) => e.callsign === label, 5000, `marker ${label}`, since);
  assert.equal(cot.type, 'a-h-G', 'a hostile point of interest is hostile, not a spot marker');
  assert.equal(cot.remarks, 'seen from the tower');
  // Near the session centre, where the click was.
  assert.ok(Math.abs(cot.lat - 31.33) < 1 && Math.abs(cot.lon + 109.2) < 1, `marker at ${cot.lat},${cot.lon}`);
  // And the page shows its own marker.
  await page.locator(tid('object-row', `[data-uid="${cot.uid}"]`)).waitFor({ timeout: 5000 });
});
