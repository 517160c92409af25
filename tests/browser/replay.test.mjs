// Replay: the slider scrubs the picture back through the stored history, and
// leaving replay shows the live picture again.

import assert from 'node:assert/strict';

import { copTest, openCop, tid } from './lib/browser.mjs';
import { sleep } from './lib/server.mjs';

copTest('replay slider shows the picture as it was', {}, async ({ server, page, peer }) => {
  const p = await peer(server.tcp, 'echo');
  const uid = `ANDROID-replay-${Date.now()}`;
  await p.sa(uid, 'ECHO 5', 31.30, -109.30);
  const before = Date.now();
  // The store writes in batches: let the first position reach the file.
  await sleep(2500);
  const between = Date.now();
  await sleep(500);
  await p.sa(uid, 'ECHO 5', 31.40, -109.10);
  await openCop(page, server);
  await page.waitForFunction((u) => window.__wf.objects.get(u)?.lat === 31.4, uid, { timeout: 5000 });
  await sleep(2500);

  await page.click(tid('replay-toggle'));
  await page.waitForSelector(`${tid('conn-status')}[data-state="replay"]`, { timeout: 5000 });
  const range = await page.evaluate(() => {
    const s = document.querySelector('[data-testid="replay-slider"]');
    return { min: Number(s.min), max: Number(s.max) };
  });
  assert.ok(range.min <= before + 1000 && range.max >= between, `range ${JSON.stringify(range)}`);
  // At the end of the range: the second position.
  await page.waitForFunction((u) => window.__wf.replayView.objects.get(u)?.lat === 31.4, uid, { timeout: 5000 });

  // Scrub back to between the two reports: the first position.
  await page.evaluate((at) => {
    const s = document.querySelector('[data-testid="replay-slider"]');
    s.value = String(at);
    s.dispatchEvent(new Event('input', { bubbles: true }));
  }, between);
  await page.waitForFunction((u) => window.__wf.replayView.objects.get(u)?.lat === 31.3, uid, { timeout: 5000 });
  assert.match(await page.locator(tid('replay-time')).innerText(), /\d\d:\d\d:\d\d/);
  // The replayed picture is what is listed and drawn.
  await page.locator(tid('object-row', `[data-uid="${uid}"]`)).waitFor({ timeout: 3000 });

  // Back to live: the live picture again.
  await page.click(tid('replay-toggle'));
  await page.waitForSelector(`${tid('conn-status')}[data-state="live"]`, { timeout: 5000 });
  assert.equal(await page.evaluate((u) => window.__wf.objects.get(u)?.lat, uid), 31.4);
});
