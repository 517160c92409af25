// Garbage over the WebSocket: error acks or a close, the server stays up and the
// page's picture is intact.

import assert from 'node:assert/strict';

import { copTest, modelUids, openCop, rowUids, tid, waitRows } from './lib/browser.mjs';
import { healthy, metrics } from './lib/server.mjs';

/**
 * In the page: opens a second socket to the feed (same origin, same cookie),
 * sends `frames` (strings) as fast as it can, and collects what comes back for
 * `listenMs`. Returns the acks, whether and how it closed.
 */
function abuse(page, frames, listenMs = 1500) {
  return page.evaluate(({ frames, listenMs }) => new Promise((resolve) => {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/web/ws`;
    // The spy's native constructor: this socket must not count as the page's.
    const ws = new (Object.getPrototypeOf(WebSocket))(url);
    const out = { acks: [], other: 0, closed: null, opened: false, errors: 0 };
    ws.onopen = () => {
      out.opened = true;
      for (const f of frames) {
        if (ws.readyState !== 1) break;
        ws.send(f);
      }
      setTimeout(() => { ws.close(); }, listenMs);
    };
    ws.onmessage = (e) => {
      let m;
      try { m = JSON.parse(e.data); } catch { out.other += 1; return; }
      if (m.t === 'ack') out.acks.push(m); else out.other += 1;
    };
    ws.onerror = () => { out.errors += 1; };
    ws.onclose = (e) => { out.closed = { code: e.code, reason: e.reason, clean: e.wasClean }; resolve(out); };
    setTimeout(() => resolve(out), listenMs + 5000);
  }), { frames, listenMs });
}

copTest('garbage over the websocket leaves server and page intact', {}, async ({ server, page, peer, context }) => {
  await openCop(page, server);
  const p = await peer(server.tcp, 'echo');
  const uids = [];
  for (let i = 0; i < 3; i++) {
    const uid = `ANDROID-gb-${Date.now()}-${i}`;
    await p.sa(uid, `ECHO ${i}`, 31.3 + i * 0.01, -109.2);
    uids.push(uid);
  }
  await waitRows(page, uids);
  const before = (await modelUids(page)).sort();

  // Not JSON, JSON of the wrong shape, an unknown op, a bad chat: each gets an error ack
  // (or the socket is closed); none is accepted.
  const bad = await abuse(page, [
    'this is not json',
    '{"op": "chat", "id": 1, "room_id": "All Chat Rooms", "text": ',
    '[1, 2, 3]',
    '{"op": "launch-missiles", "id": 2}',
    JSON.stringify({ op: 'chat', id: 3, room_id: 'All Chat Rooms', text: 'x'.repeat(2001) }),
    JSON.stringify({ op: 'marker', id: 4, lat: 95, lon: 0, label: 'BAD', affiliation: 'z', kind: 'ground' }),
    JSON.stringify({ op: 'delete', id: 5, uid: 'never-made-here' }),
  ]);
  console.log(`# garbage: ${JSON.stringify(bad)}`);
  assert.ok(bad.opened, 'the abuse socket opened');
  assert.ok(bad.acks.every((a) => a.ok === false), `nothing was accepted: ${JSON.stringify(bad.acks)}`);
  assert.ok(bad.acks.length >= 4 || (bad.closed && bad.closed.code !== 1000),
    `error acks or a close: ${JSON.stringify(bad)}`);
  if (!bad.closed || bad.closed.code === 1000 || bad.closed.code === 1005) {
    // Still open: one error ack per frame. Commands that parse echo their id; an unknown
    // op does not parse, so its ack may carry id null.
    assert.equal(bad.acks.length, 7, `one ack per frame: ${JSON.stringify(bad.acks)}`);
    for (const id of [3, 4, 5]) {
      assert.ok(bad.acks.some((a) => a.id === id), `no error ack for command ${id}`);
    }
    assert.ok(bad.acks.some((a) => (a.id === 2 || a.id === null) && /launch-missiles|unknown/.test(a.error ?? '')),
      'the unknown op is named in an error ack');
  }

  // A frame far over 16 KiB: refused (error ack or close), never applied.
  const huge = await abuse(page, [JSON.stringify({ op: 'chat', id: 10, room_id: 'All Chat Rooms', text: 'y'.repeat(200_000) })]);
  console.log(`# huge: acks=${JSON.stringify(huge.acks)} closed=${JSON.stringify(huge.closed)}`);
  assert.ok(huge.acks.every((a) => a.ok === false), 'the huge frame was not accepted');
  assert.ok(huge.acks.length > 0 || (huge.closed && huge.closed.code !== 1000), 'the huge frame got an answer or a close');

  // A flood: 500 chats at once. The limit is 20 a second, so nearly all are refused.
  const since = p.mark();
  const flood = await abuse(page, Array.from({ length: 500 }, (_, i) => JSON.stringify({
    op: 'chat', id: 100 + i, room_id: 'All Chat Rooms', text: `flood ${i}`,
  })), 2500);
  const okN = flood.acks.filter((a) => a.ok).length;
  const refused = flood.acks.filter((a) => !a.ok).length;
  console.log(`# flood: ok=${okN} refused=${refused} closed=${JSON.stringify(flood.closed)}`);
  assert.ok(okN <= 60, `rate limit: ${okN} of 500 flood commands were accepted`);
  assert.ok(refused >= 400 || (flood.closed && flood.closed.code !== 1000), `flood got ${refused} refusals and no close`);
  await new Promise((r) => setTimeout(r, 500));
  const floodAtPeer = p.events(since).filter((e) => e.type === 'b-t-f' && /^flood \d+$/.test(e.chat ?? '')).length;
  assert.ok(floodAtPeer <= okN, `the field got ${floodAtPeer} flood chats, more than the ${okN} accepted`);

  // The server is up, the page's own feed is still live and its picture whole.
  assert.ok(await healthy(server), '/healthz after the abuse');
  assert.ok(server.alive(), 'server process alive');
  assert.equal(await page.getAttribute(tid('conn-status'), 'data-state'), 'live');
  const after = (await modelUids(page)).sort();
  for (const u of before) assert.ok(after.includes(u), `${u} lost from the picture`);
  const rows = await rowUids(page);
  for (const u of uids) assert.ok(rows.includes(u), `${u} lost from the list`);
  // And it still works: a new SA still arrives.
  const late = `ANDROID-gb-late-${Date.now()}`;
  await p.sa(late, 'ECHO LATE', 31.33, -109.2);
  await waitRows(page, [late]);
  const m = await metrics(server);
  const web = Object.entries(m).filter(([k]) => k.startsWith('watchfloor_web_'));
  console.log(`# web metrics: ${JSON.stringify(Object.fromEntries(web))}`);
  void context;
});
