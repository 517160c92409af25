// Two watch officers work one alert: one acknowledges, the other sees who and
// when, it stops flashing for both and stays until cancelled; the day's log
// (the Log tab) records the alert, the acknowledgement and the clear, filters
// them, and an entry locates its object.

import assert from 'node:assert/strict';

import { copTest, newContext, session, tid, waitLive, waitRows } from './lib/browser.mjs';

const OFFICERS = [
  { name: 'alice', password: 'correct horse battery', groups: 'blue' },
  { name: 'bob', password: 'staple gun staple', groups: 'blue' },
];

async function login(page, server, user) {
  await page.goto(server.webUrl, { waitUntil: 'domcontentloaded' });
  const form = page.locator(tid('login-form'));
  await form.waitFor({ state: 'visible', timeout: 10000 });
  await form.locator('[name="username"]').fill(user.name);
  await form.locator('[name="password"]').fill(user.password);
  await page.click(tid('login-submit'));
  await waitLive(page);
}

copTest('two officers: one acknowledges, both see who; the log records it', { server: { users: OFFICERS, groups: ['blue'] }, timeoutMs: 90000 }, async ({ server, browser, page, peer }) => {
  await login(page, server, OFFICERS[0]);
  const bobCtx = await newContext(browser);
  const bob = await bobCtx.newPage();
  try {
    await login(bob, server, OFFICERS[1]);
    const alice = await session(page);
    const p = await peer(server.groupTcp.blue, 'foxtrot');
    const uid = `ANDROID-ack-${Date.now()}`;
    await p.sa(uid, 'FOXTROT 2', 31.36, -109.28);
    await waitRows(page, [uid]);
    await waitRows(bob, [uid]);
    await p.send({ op: 'emergency' });
    const alertUid = `${uid}-9-1-1`;
    const item = (pg) => pg.locator(`${tid('alert-banner')} ${tid('alert')}[data-uid="${alertUid}"]`);
    await item(page).waitFor({ state: 'visible', timeout: 5000 });
    await item(bob).waitFor({ state: 'visible', timeout: 5000 });
    for (const pg of [page, bob]) {
      assert.equal(await item(pg).getAttribute('data-acked'), 'false');
      const sb = pg.locator(tid('status-alerts'));
      assert.equal(await sb.getAttribute('data-open'), '1', 'the status bar counts the open alert');
    }

    assert.equal(await bob.locator(tid('alert-banner')).evaluate((el) => getComputedStyle(el).animationName), 'alertflash');
    // Alice acknowledges; Bob's banner says who, at what time, and it stops flashing.
    await item(page).locator(tid('alert-ack')).click();
    await bob.locator(`${tid('alert')}[data-uid="${alertUid}"][data-acked="true"]`).waitFor({ timeout: 5000 });
    const acked = await item(bob).locator(tid('alert-acked')).innerText();
    assert.match(acked, new RegExp(`^ACK ${alice.callsign} \\d\\d:\\d\\d:\\d\\dZ$`), acked);
    assert.equal(await item(bob).locator(tid('alert-ack')).count(), 0, 'nothing left to acknowledge');
    assert.equal(await bob.locator(tid('status-alerts')).getAttribute('data-open'), '0');
    assert.equal(await bob.locator(tid('status-alerts')).getAttribute('data-count'), '1', 'an acknowledged alert stays');
    const flashing = await bob.locator(tid('alert-banner')).evaluate((el) => getComputedStyle(el).animationName);
    assert.equal(flashing, 'none', 'an acknowledged alert does not flash');

    // The cancel clears it for both.
    await p.send({ op: 'cancel' });
    for (const pg of [page, bob]) await item(pg).waitFor({ state: 'detached', timeout: 5000 });

    // Bob's Log tab: the alert, the acknowledgement and the clear, newest first.
    await bob.click(tid('tab-log'));
    await bob.locator(`${tid('log-entry')}[data-kind="cleared"]`).waitFor({ timeout: 5000 });
    const kinds = await bob.locator(tid('log-entry')).evaluateAll((rows) => rows.map((r) => r.dataset.kind));
    for (const k of ['alert', 'ack', 'cleared', 'connect']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
    const ackLine = await bob.locator(`${tid('log-entry')}[data-kind="ack"]`).first().innerText();
    assert.match(ackLine, new RegExp(alice.callsign), ackLine);
    // Filtered to acknowledgements only, then by text.
    await bob.selectOption(tid('log-kind'), 'ack');
    assert.deepEqual([...new Set(await bob.locator(tid('log-entry')).evaluateAll((rows) => rows.map((r) => r.dataset.kind)))], ['ack']);
    await bob.selectOption(tid('log-kind'), '');
    await bob.fill(tid('log-filter'), 'FOXTROT 2 connected');
    await bob.waitForFunction(() => document.querySelectorAll('[data-testid="log-entry"]').length === 1, null, { timeout: 3000 });
    // The entry locates its object: the map comes to the unit.
    await bob.evaluate(() => void window.__wf.map.jumpTo({ center: [-100, 40], zoom: 5 }));
    await bob.locator(tid('log-entry')).first().click();
    await bob.waitForFunction(() => {
      const c = window.__wf.map.getCenter();
      return !window.__wf.map.isMoving() && Math.abs(c.lat - 31.36) < 0.01 && Math.abs(c.lng + 109.28) < 0.01;
    }, null, { timeout: 8000 });
  } finally {
    await bobCtx.close().catch(() => {});
  }
});
