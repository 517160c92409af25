// Stale objects and disconnected clients are greyed on the list and on the map.

import assert from 'node:assert/strict';

import { copTest, openCop, tid } from './lib/browser.mjs';

const iso = (ms) => new Date(ms).toISOString();

/** Whether the object's row is greyed and its map symbol dimmed. */
function greyed(page, uid) {
  return page.evaluate((u) => {
    const row = document.querySelector(`[data-testid="object-row"][data-uid="${u}"]`);
    const f = window.__wf.map.querySourceFeatures('objects').find((x) => x.properties.uid === u);
    return { row: row ? row.classList.contains('stale') : null, dim: f ? f.properties.dim === true : null };
  }, uid);
}

copTest('stale and disconnected objects are greyed', {}, async ({ server, page, peer }) => {
  const p = await peer(server.tcp, 'foxtrot');
  const me = `ANDROID-stale-${Date.now()}`;
  await p.sa(me, 'FOXTROT 6', 31.34, -109.21);
  const item = `stale-item-${Date.now()}`;
  const now = Date.now();
  await p.send({
    op: 'raw',
    xml: `<event version="2.0" uid="${item}" type="a-h-G" how="h-e" time="${iso(now)}" start="${iso(now)}" stale="${iso(now + 9000)}"><point lat="31.32" lon="-109.19" hae="0" ce="10" le="10"/><detail><contact callsign="SHORT LIVED"/></detail></event>`,
  });
  // Nine seconds of life: time for the page to load and draw it fresh
  // on a busy machine, then to see it go stale.
  await openCop(page, server);
  await page.locator(tid('object-row', `[data-uid="${item}"]`)).waitFor({ timeout: 5000 });
  await page.waitForFunction((u) => window.__wf.renderedUids().includes(u), item, { timeout: 5000 });
  assert.deepEqual(await greyed(page, item), { row: false, dim: false }, 'fresh: not greyed');

  // Past its stale time (the page checks at least once a second).
  await page.waitForFunction(
    (u) => document.querySelector(`[data-testid="object-row"][data-uid="${u}"]`)?.classList.contains('stale'),
    item,
    { timeout: 13000 },
  );
  await page.waitForFunction(
    (u) => window.__wf.map.querySourceFeatures('objects').some((x) => x.properties.uid === u && x.properties.dim === true),
    item,
    { timeout: 3000 },
  );
  assert.deepEqual(await greyed(page, me), { row: false, dim: false }, 'the live client is not greyed');

  // The client goes away: its own SA is greyed too, and still listed.
  await p.quit();
  await page.waitForFunction(
    (u) => window.__wf.objects.get(u)?.gone === true
      && document.querySelector(`[data-testid="object-row"][data-uid="${u}"]`)?.classList.contains('stale'),
    me,
    { timeout: 8000 },
  );
});
