// The node-tak streaming client (`TAK.connect`, `ssl://`, client certificate
// only) against watchfloor's mutual-TLS listener: pings answered, SA between
// two node-tak connections, and listen-only clients (CloudTAK's listeners, ETL
// tools), which ping but never send an SA of their own.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CoTParser } from '@tak-ps/node-cot';

import { metrics, sleep, startServer } from './lib/server.mjs';
import { newUid, sa, stream, uidOf, pingPong, waitForUid } from './lib/tak.mjs';

/** Seconds an anonymous plain-TCP client may take to identify, kept short. */
const IDENTIFY_TIMEOUT_S = 2;

let server;
const open = [];

before(async () => {
  server = await startServer({
    name: 'nodetak-stream',
    users: { alice: 'blue', bob: 'blue', carol: 'red' },
    extraArgs: ['--identify-timeout', String(IDENTIFY_TIMEOUT_S)],
  });
});

after(async () => {
  for (const c of open) c.tak.destroy();
  await server?.stop();
});

async function connect(user) {
  const c = await stream(server, user);
  open.push(c);
  return c;
}

test('node-tak pings are answered and open the connection', async () => {
  const alice = await connect('alice');
  await pingPong(alice);
  assert.equal(alice.tak.open, true, 'node-tak sets `open` only once a t-x-c-t-r arrives');
  alice.tak.destroy();
});

test('two node-tak connections exchange SA', async () => {
  const alice = await connect('alice');
  const bob = await connect('bob');
  await Promise.all([pingPong(alice), pingPong(bob)]);
  const ua = newUid('alice');
  const ub = newUid('bob');
  await alice.tak.write([sa(ua, 'ALICE', 10, 20)]);
  await bob.tak.write([sa(ub, 'BOB', 11, 21)]);
  const got = await waitForUid(bob, ua);
  assert.equal(got.raw.event.detail.contact._attributes.callsign, 'ALICE');
  await waitForUid(alice, ub);
  alice.tak.destroy();
  bob.tak.destroy();
});

test('a listen-only client outlives the identify timeout and receives its groups\' SA', async () => {
  const before = (await metrics(server)).watchfloor_identify_timeouts_total ?? 0;
  const writer = await connect('bob');
  const early = newUid('early');
  await writer.tak.write([sa(early, 'EARLY', 30, 40)]);
  await pingPong(writer);

  // The listener pings (node-tak does on connect) but never sends an SA.
  const listener = await connect('alice');
  await pingPong(listener);
  // What was on the picture before it connected comes as the replay.
  await waitForUid(listener, early);

  // Well past the identify timeout: a certificate identifies the client.
  await sleep((IDENTIFY_TIMEOUT_S + 1.5) * 1000);
  assert.equal(listener.ended, false, 'the server closed a listen-only TLS client');
  const late = newUid('late');
  await writer.tak.write([sa(late, 'LATE', 31, 41)]);
  const got = await waitForUid(listener, late);
  assert.equal(Number(got.raw.event.point._attributes.lat), 31);
  // Still answered after the timeout, and nobody was closed for it.
  await pingPong(listener);
  const afterCount = (await metrics(server)).watchfloor_identify_timeouts_total ?? 0;
  assert.equal(afterCount, before, 'identify timeouts counted for certificate clients');
  writer.tak.destroy();
  listener.tak.destroy();
});

test('a listen-only client hears only its own groups', async () => {
  const writer = await connect('bob');
  const red = await connect('carol');
  const blue = await connect('alice');
  await Promise.all([pingPong(writer), pingPong(red), pingPong(blue)]);
  const uid = newUid('blue-only');
  await writer.tak.write([sa(uid, 'BLUE', 32, 42)]);
  await waitForUid(blue, uid);
  // A barrier: carol's pong after the blue SA was routed means it would have arrived by now.
  await pingPong(red);
  assert.equal(red.events.some((c) => uidOf(c) === uid), false, 'a red listener received a blue SA');
  for (const c of [writer, red, blue]) c.tak.destroy();
});

test('a delete for everyone from node-tak reaches the others and leaves the picture', async () => {
  const alice = await connect('alice');
  const bob = await connect('bob');
  await Promise.all([pingPong(alice), pingPong(bob)]);
  const ua = newUid('alice');
  await alice.tak.write([sa(ua, 'ALICE', 10, 20)]);
  const marker = newUid('marker');
  const now = new Date();
  const later = new Date(now.getTime() + 3600 * 1000);
  const soon = new Date(now.getTime() + 20 * 1000);
  await alice.tak.write([CoTParser.from_xml(
    `<event version="2.0" uid="${marker}" type="a-h-G" how="h-e" time="${now.toISOString()}" `
    + `start="${now.toISOString()}" stale="${later.toISOString()}"><point lat="10.5" lon="20.5" hae="0" ce="10" le="10"/>`
    + '<detail><contact callsign="HOSTILE 1"/></detail></event>',
  )]);
  await waitForUid(bob, marker);
  const del = newUid('delete');
  await alice.tak.write([CoTParser.from_xml(
    `<event version="2.0" uid="${del}" type="t-x-d-d" how="h-g-i-g-o" time="${now.toISOString()}" `
    + `start="${now.toISOString()}" stale="${soon.toISOString()}"><point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/>`
    + `<detail><link uid="${marker}" relation="none" type="a-h-G"/><__forcedelete/></detail></event>`,
  )]);
  const got = await waitForUid(bob, del);
  assert.equal(got.raw.event.detail.link._attributes.uid, marker);
  // A client connecting now is not replayed the deleted marker.
  const carolLate = await connect('bob');
  await pingPong(carolLate);
  await waitForUid(carolLate, ua); // the replay happened
  assert.ok(!carolLate.events.some((c) => uidOf(c) === marker), 'a deleted marker was replayed');
  alice.tak.destroy();
  bob.tak.destroy();
  carolLate.tak.destroy();
});
