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

copTest('replay plays at 10x with trails and the replayed time on the clock', {}, async ({ server, page, peer }) => {
  const p = await peer(server.tcp, 'foxtrot');
  const uid = `ANDROID-play-${Date.now()}`;
  // Six positions a second apart: the stored history to play.
  for (let i = 0; i < 6; i++) {
    await p.sa(uid, 'FOXTROT 2', 31.3 + i * 0.01, -109.3);
    await sleep(1000);
  }
  await sleep(1500);
  await openCop(page, server);
  await page.click(tid('replay-toggle'));
  await page.waitForSelector(`${tid('conn-status')}[data-state="replay"]`, { timeout: 5000 });
  // Back to the start, then play at 10x (the default speed).
  const span = await page.evaluate(() => {
    const s = document.querySelector('[data-testid="replay-slider"]');
    s.value = s.min;
    s.dispatchEvent(new Event('input', { bubbles: true }));
    return { min: Number(s.min), max: Number(s.max) };
  });
  assert.equal(await page.locator(tid('replay-speed')).inputValue(), '10');
  const t0 = await page.evaluate(() => window.__wf.replay.at);
  await page.click(tid('replay-play'));
  const wall0 = Date.now();
  await page.waitForFunction((t) => window.__wf.replay.at >= t + 3000, t0, { timeout: 5000 });
  // Three replayed seconds in well under three real ones: faster than 1x.
  assert.ok(Date.now() - wall0 < 2500, `3 s replayed in ${Date.now() - wall0} ms`);
  // It stops by itself at the end of the history.
  await page.waitForFunction(() => window.__wf.replay.playing === false, null, { timeout: (span.max - span.min) / 5 + 5000 });
  assert.equal(await page.evaluate(() => window.__wf.replay.at), span.max);
  // The played period left a trail of the moves, and the clock shows replay time.
  await page.waitForFunction((u) => (window.__wf.mapApi.replayTrails.get(u) || []).length >= 3, uid, { timeout: 3000 });
  assert.ok(await page.locator('#clock.replaying').count() === 1);
  const hms = new Date(span.max).toISOString().slice(11, 19);
  await page.waitForFunction((h) => document.getElementById('clock').textContent.startsWith(h), hms, { timeout: 3000 });
});
