// Login with a users file, and group isolation: a "blue" web user sees the SA of
// a client on a #blue TCP listener but not one on a #red listener.

import assert from 'node:assert/strict';

import { copTest, rowUids, session, tid, waitLive, waitRows } from './lib/browser.mjs';

const USERS = [
  { name: 'alice', password: 'correct horse battery', groups: 'blue' },
  { name: 'rick', password: 'red rover red rover', groups: 'red' },
];

copTest('login form and group isolation', { server: { users: USERS, groups: ['blue', 'red'] } }, async ({ server, page, peer }) => {
  // Without a session the page asks for a login, and the feed is refused.
  await page.goto(server.webUrl, { waitUntil: 'domcontentloaded' });
  const form = page.locator(tid('login-form'));
  await form.waitFor({ state: 'visible', timeout: 10000 });
  const refused = await page.evaluate(() => new Promise((resolve) => {
    const ws = new (Object.getPrototypeOf(WebSocket))(`ws://${location.host}/api/web/ws`);
    ws.onopen = () => { ws.close(); resolve('opened'); };
    ws.onclose = () => resolve('refused');
    setTimeout(() => resolve('timeout'), 5000);
  }));
  assert.equal(refused, 'refused', 'the feed needs a session');
  const anon = await session(page);
  assert.equal(anon.login_required, true);
  assert.equal(anon.authenticated, false);

  // A wrong password: an error, still the form.
  await form.locator('[name="username"]').fill('alice');
  await form.locator('[name="password"]').fill('wrong password');
  await page.click(tid('login-submit'));
  await page.locator(tid('login-error')).waitFor({ state: 'visible', timeout: 5000 });
  assert.ok((await page.locator(tid('login-error')).innerText()).trim().length > 0, 'the error says something');
  assert.equal((await session(page)).authenticated, false);

  // The right one: the COP.
  await form.locator('[name="password"]').fill('correct horse battery');
  await page.click(tid('login-submit'));
  await waitLive(page);
  const me = await session(page);
  assert.equal(me.authenticated, true);
  assert.equal(me.user, 'alice');
  assert.deepEqual(me.groups, ['blue']);
  const cookies = await page.context().cookies();
  const c = cookies.find((k) => k.name === 'wf_session');
  assert.ok(c, 'wf_session cookie set');
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, 'Strict');

  // Red first, then blue: once blue shows, red had every chance to show too.
  const red = await peer(server.groupTcp.red, 'red');
  const blue = await peer(server.groupTcp.blue, 'blue');
  const stamp = Date.now();
  await red.sa(`ANDROID-red-${stamp}`, 'RED 1', 31.34, -109.21);
  await blue.sa(`ANDROID-blue-${stamp}`, 'BLUE 1', 31.32, -109.19);
  await waitRows(page, [`ANDROID-blue-${stamp}`]);
  await new Promise((r) => setTimeout(r, 1000));
  const rows = await rowUids(page);
  assert.ok(!rows.includes(`ANDROID-red-${stamp}`), `red SA leaked to a blue user: ${rows}`);
  const model = await page.evaluate(() => [...window.__wf.objects.keys()]);
  assert.ok(!model.includes(`ANDROID-red-${stamp}`), 'red SA is not in the page model either');
  const seen = await page.evaluate((u) => window.__wf.objects.get(u), `ANDROID-blue-${stamp}`);
  assert.deepEqual(seen.groups, ['blue']);
});
