// node-tak clients for the tests: streaming connections that record what they
// receive, an API handle per user, and CoT made from XML with node-cot.

import { CoTParser } from '@tak-ps/node-cot';
import TAK, { APIAuthCertificate, TAKAPI } from '@tak-ps/node-tak';
import { randomUUID } from 'node:crypto';

import { until } from './server.mjs';

/** A fresh uid with a readable prefix. */
export const newUid = (prefix) => `${prefix}-${randomUUID()}`;

/** An SA (`a-f-G-U-C`) with a callsign, stale in five minutes, as node-cot parses it. */
export function sa(uid, callsign, lat = 0, lon = 0, { group } = {}) {
  const now = new Date();
  const stale = new Date(now.getTime() + 5 * 60 * 1000);
  const team = group ? `<__group name="${group}" role="Team Member"/>` : '';
  return CoTParser.from_xml(
    `<event version="2.0" uid="${uid}" type="a-f-G-U-C" how="m-g" time="${now.toISOString()}" `
    + `start="${now.toISOString()}" stale="${stale.toISOString()}">`
    + `<point lat="${lat}" lon="${lon}" hae="0" ce="10" le="10"/>`
    + `<detail><contact callsign="${callsign}"/>${team}</detail></event>`,
  );
}

/**
 * A node-tak streaming connection (`TAK.connect` on `ssl://`) as `user`, with
 * every CoT it receives kept in `events` and every pong counted.
 */
export async function stream(server, user) {
  const { cert, key } = server.pem(user);
  const tak = await TAK.connect(new URL(server.streamUrl), { cert, key }, { id: user });
  const client = { tak, user, events: [], pongs: 0, ended: false, errors: [] };
  tak.on('cot', (cot) => client.events.push(cot));
  tak.on('ping', () => { client.pongs += 1; });
  tak.on('end', () => { client.ended = true; });
  tak.on('error', (e) => client.errors.push(e));
  // `destroy()` runs on `close` as well as `end`.
  tak.client.on('close', () => { client.ended = true; });
  return client;
}

/** The uid of a received node-cot event. */
export const uidOf = (cot) => cot.raw.event._attributes.uid;

/** Waits until `client` has received an event with `uid`; returns it. */
export function waitForUid(client, uid, timeoutMs = 5000) {
  return until(() => client.events.find((c) => uidOf(c) === uid), {
    timeoutMs,
    what: `${client.user} to receive ${uid}`,
  });
}

/**
 * Sends a ping (node-tak's own `CoT.ping()`, as it does on connect and every
 * 5 s) and waits for its answer. Also a barrier: everything routed to `client`
 * before the ping reached the server has arrived when this returns.
 */
export async function pingPong(client, timeoutMs = 5000) {
  const before = client.pongs;
  client.tak.ping();
  await until(() => client.pongs > before, { timeoutMs, what: `${client.user}'s ping to be answered` });
}

/** A node-tak API handle for `user`'s certificate on the HTTPS Marti port. */
export function api(server, user) {
  const { cert, key } = server.pem(user);
  return TAKAPI.init(new URL(server.apiUrl), new APIAuthCertificate(cert, key));
}
