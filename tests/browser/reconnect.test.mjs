// A page that loses its feed and gets it back has the whole picture again,
// including what was sent while it was away.

import assert from 'node:assert/strict';

import { copTest, modelUids, openCop, rowUids, tid, waitRows } from './lib/browser.mjs';

copTest('reconnect restores the full picture', {}, async ({ server, page, peer }) => {
  await openCop(page, server);
  const stamp = Date.now();
  const before = [];
  const peers = [];
  for (let i = 0; i < 3; i++) {
    const p = await peer(server.tcp, `before-${i}`);
    const uid = `ANDROID-rc-${stamp}-${i}`;
    await p.sa(uid, `UNIT ${i}`, 31.3 + i * 0.02, -109.2 + i * 0.02);
    before.push(uid);
    peers.push(p);
  }
  await waitRows(page, before);

  // Drop the page's socket and keep it from coming back.
  await page.evaluate(() => {
    window.__wsSpy.block = true;
    for (const s of window.__wsSpy.sockets) s.close();
  });
  await page.waitForSelector(tid('conn-status', ':not([data-state="live"])'), { state: 'attached', timeout: 5000 });
  const state = await page.getAttribute(tid('conn-status'), 'data-state');
  assert.ok(['offline', 'connecting'].includes(state), `state while down: ${state}`);

  // While it is away: a new unit, and an existing one moves.
  const p = await peer(server.tcp, 'while-away');
  const away = `ANDROID-rc-${stamp}-away`;
  await p.sa(away, 'LATE 9', 31.36, -109.16);
  await peers[0].sa(before[0], 'UNIT 0', 31.31, -109.21);
  await new Promise((r) => setTimeout(r, 700));
  assert.ok(!(await rowUids(page)).includes(away), 'the page cannot know the new unit yet');

  // Let it reconnect: the snapshot must bring back everything.
  const opened = await page.evaluate(() => window.__wsSpy.opened);
  await page.evaluate(() => { window.__wsSpy.block = false; });
  await page.waitForFunction((n) => window.__wsSpy.opened > n, opened, { timeout: 20000 });
  await page.waitForSelector(tid('conn-status', '[data-state="live"]'), { state: 'attached', timeout: 20000 });
  const all = [...before, away];
  await waitRows(page, all, 5000);
  const model = new Set(await modelUids(page));
  for (const u of all) assert.ok(model.has(u), `${u} missing from __wf.objects after reconnect`);
  const moved = await page.evaluate((u) => window.__wf.objects.get(u), before[0]);
  assert.ok(Math.abs(moved.lat - 31.31) < 1e-6, `moved unit has its new position: ${moved.lat}`);
});
