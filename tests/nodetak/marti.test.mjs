// The Marti API through node-tak's own API classes (`TAKAPI` with
// `APIAuthCertificate`, mutual TLS): data packages (Files.upload,
// Files.uploadPackage, Package.list), the CoT lookup (Query.single) and the
// contact list (Client.list), with each answer checked against the TypeBox
// schema node-tak declares for it.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';

import { Value } from '@sinclair/typebox/value';
import { ClientEndpoint } from '@tak-ps/node-tak/lib/api/client';
import { Content } from '@tak-ps/node-tak/lib/api/files';
import { Package } from '@tak-ps/node-tak/lib/api/package';

import { startServer, until } from './lib/server.mjs';
import { api, newUid, pingPong, sa, stream, waitForUid } from './lib/tak.mjs';

let server;
const open = [];

before(async () => {
  server = await startServer({ name: 'nodetak-marti', users: { alice: 'blue', bob: 'blue' } });
});

after(async () => {
  for (const c of open) c.tak.destroy();
  await server?.stop();
});

/** Every schema error of `value`, as text (empty when it conforms). */
function schemaErrors(schema, value) {
  return [...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message} (got ${JSON.stringify(e.value)})`);
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

test('Files.upload parses the answer and keeps every keyword', async () => {
  const tak = await api(server, 'alice');
  const body = Buffer.from(`node-tak upload ${newUid('file')}\n`);
  const meta = await tak.Files.upload(
    { name: 'notes.txt', keywords: ['alpha', 'bravo'], creatorUid: 'ANDROID-alice' },
    body,
  );
  assert.equal(typeof meta, 'object', `Files.upload returned ${typeof meta}: ${String(meta).slice(0, 200)}`);
  assert.deepEqual(schemaErrors(Content, meta), []);
  assert.equal(meta.Hash, sha256(body));
  assert.deepEqual(meta.Keywords, ['alpha', 'bravo']);
  assert.equal(meta.CreatorUid, 'ANDROID-alice');
});

test('Files.uploadPackage with several keywords, then Package.list by uid finds it', async () => {
  const tak = await api(server, 'alice');
  const body = Buffer.from(`PK fake package ${newUid('pkg')}`);
  const hash = sha256(body);
  const url = await tak.Files.uploadPackage(
    { name: 'route.zip', creatorUid: 'ANDROID-alice', hash, keywords: ['route', 'recon'], groups: ['blue'] },
    body,
  );
  assert.match(String(url), new RegExp(`/Marti/sync/content\\?hash=${hash}$`));

  const found = await tak.Package.list({ uid: hash });
  assert.equal(found.resultCount, 1, `search by uid=${hash}: ${JSON.stringify(found)}`);
  const [pkg] = found.results;
  assert.deepEqual(schemaErrors(Package, pkg), []);
  assert.equal(pkg.UID, hash);
  assert.equal(pkg.Hash, hash);
  assert.equal(pkg.Name, 'route.zip');
  assert.deepEqual(pkg.Keywords, ['missionpackage', 'route', 'recon']);
  assert.equal(pkg.EXPIRATION, '-1');

  // The listing ATAK shows (by tool) carries the same entry, in the same shape.
  const all = await tak.Package.list({ tool: 'public' });
  const listed = all.results.find((r) => r.Hash === hash);
  assert.ok(listed, 'uploaded package missing from the public list');
  assert.deepEqual(schemaErrors(Package, listed), []);
});

test('Query.single of an unknown uid is node-tak\'s 404, of a known uid its XML', async () => {
  const tak = await api(server, 'alice');
  await assert.rejects(tak.Query.single(newUid('nobody')), (err) => {
    assert.equal(err.status, 404, `status ${err.status}: ${err.message}`);
    return true;
  });

  const bob = await stream(server, 'bob');
  open.push(bob);
  const uid = newUid('bob');
  await bob.tak.write([sa(uid, 'BOB', 12.5, 22.5)]);
  await pingPong(bob);
  const xml = await until(async () => {
    try {
      return await tak.Query.single(uid);
    } catch {
      return null;
    }
  }, { what: `Query.single(${uid})` });
  assert.match(xml, new RegExp(`<event[^>]* uid="${uid}"`));
  const feat = await tak.Query.singleFeat(uid);
  assert.equal(feat.id, uid);
});

test('Client.list entries match node-tak\'s ClientEndpoint, with and without a team', async () => {
  const tak = await api(server, 'alice');
  const plain = await stream(server, 'bob');
  const teamed = await stream(server, 'alice');
  open.push(plain, teamed);
  const up = newUid('plain');
  const ut = newUid('teamed');
  await plain.tak.write([sa(up, 'PLAIN', 1, 1)]);
  await teamed.tak.write([sa(ut, 'TEAMED', 2, 2, { group: 'Cyan' })]);
  await Promise.all([pingPong(plain), pingPong(teamed)]);
  await waitForUid(teamed, up);

  const list = await until(async () => {
    const l = await tak.Client.list();
    const uids = (l.data ?? []).map((c) => c.uid);
    return uids.includes(up) && uids.includes(ut) ? l : null;
  }, { what: 'both clients in Client.list' });
  for (const entry of list.data) {
    assert.deepEqual(schemaErrors(ClientEndpoint, entry), [], JSON.stringify(entry));
  }
  const teamedEntry = list.data.find((c) => c.uid === ut);
  assert.equal(teamedEntry.team, 'Cyan');
  assert.equal(teamedEntry.username, 'alice');
  plain.tak.destroy();
  teamed.tak.destroy();
});
