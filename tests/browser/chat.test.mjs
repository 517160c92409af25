// GeoChat both ways between the page and a pytak client, and the web user as a
// contact of that client.

import assert from 'node:assert/strict';

import { copTest, openCop, session, tid } from './lib/browser.mjs';

const ALL = 'All Chat Rooms';

copTest('chat both ways and the web user is a contact', {}, async ({ server, page, peer }) => {
  const p = await peer(server.tcp, 'bravo');
  const peerUid = `ANDROID-chat-${Date.now()}`;
  await p.sa(peerUid, 'BRAVO 2');
  const since = p.mark();
  await openCop(page, server);
  const me = await session(page);
  assert.ok(me.uid && me.callsign, `session has no uid/callsign: ${JSON.stringify(me)}`);

  // The web user is a contact: pytak receives its SA while the page is open.
  const sa = await p.waitCot((e) => e.uid === me.uid, 5000, `SA of the web user ${me.uid}`, since);
  assert.equal(sa.callsign, me.callsign);
  assert.ok(sa.type.startsWith('a-f-'), `web user SA type ${sa.type}`);

  // Browser -> pytak, in All Chat Rooms.
  const text = `hold at checkpoint 3 ${Date.now()}`;
  await page.selectOption(tid('chat-room'), ALL);
  await page.fill(tid('chat-input'), text);
  await page.click(tid('chat-send'));
  const got = await p.waitCot((e) => e.type === 'b-t-f' && e.chat === text, 5000, 'GeoChat from the page');
  assert.equal(got.sender_uid, me.uid, 'chat sender uid is the web user');
  assert.equal(got.sender, me.callsign, 'chat sender callsign is the web user');
  assert.equal(got.room_id, ALL);

  // pytak -> browser.
  const back = `moving to checkpoint 4 ${Date.now()}`;
  await p.send({ op: 'chat', text: back, room: ALL });
  const msg = page.locator(tid('chat-message', `[data-from-uid="${peerUid}"]`), { hasText: back });
  await msg.waitFor({ timeout: 5000 });
  assert.equal(await msg.getAttribute('data-room-id'), ALL);
  // The page's own message is listed too, once.
  const mine = page.locator(tid('chat-message', `[data-from-uid="${me.uid}"]`), { hasText: text });
  assert.equal(await mine.count(), 1);
});
