// An emergency from a pytak client raises the alert banner; its cancel clears it.

import assert from 'node:assert/strict';

import { copTest, openCop, tid, waitRows } from './lib/browser.mjs';

copTest('emergency shows banner and cancel clears it', {}, async ({ server, page, peer }) => {
  await openCop(page, server);
  const p = await peer(server.tcp, 'charlie');
  const uid = `ANDROID-911-${Date.now()}`;
  await p.sa(uid, 'CHARLIE 3');
  await waitRows(page, [uid]);

  await p.send({ op: 'emergency' });
  const alertUid = `${uid}-9-1-1`;
  const item = page.locator(`${tid('alert-banner')} ${tid('alert')}`);
  await item.first().waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await item.count(), 1);
  assert.equal(await item.first().getAttribute('data-uid'), alertUid);
  const text = await page.locator(tid('alert-banner')).innerText();
  assert.match(text, /CHARLIE 3/, `banner names the sender: ${text}`);
  assert.match(text, /911/, `banner says what kind: ${text}`);
  const model = await page.evaluate((u) => window.__wf.objects.get(u), uid);
  assert.equal(model.emergency, true, 'the sender is flagged as in emergency');

  await p.send({ op: 'cancel' });
  await page.waitForFunction(() => {
    const banner = document.querySelector('[data-testid="alert-banner"]');
    if (!banner || banner.hidden || getComputedStyle(banner).display === 'none') return true;
    return banner.querySelectorAll('[data-testid="alert"]').length === 0;
  }, null, { timeout: 5000, polling: 50 });
  assert.equal(await page.locator(tid('alert')).count(), 0);
});
