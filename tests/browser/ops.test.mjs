// The ops desk in the page: a roster posted through /api/ops/commands (a
// Title 10 MP company whose own SA comes from a real TAK peer, a Title 32
// Guard company under an Arizona governor's grant, a Title 10 aviation
// detachment), tasks that the engine allows, refuses and sends to legal
// review, shown on the roster panel, the units' map layer and the task
// board; counsel's review from its button; a unit whose SA stops flagged
// STALE; and a server without an ops desk saying so.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { copTest, openCop, tid } from './lib/browser.mjs';
import { ARTIFACTS } from './lib/server.mjs';

/** The screenshot with the roster and the board (all three outcomes). */
const SHOT = path.join(ARTIFACTS, 'ops-roster-board.png');
/** The same after the review, with the MP company's SA gone stale. */
const SHOT_AFTER = path.join(ARTIFACTS, 'ops-roster-board-after.png');

const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-ops-'));
const staleConfig = path.join(dir, 'ops.toml');
writeFileSync(staleConfig, '[ops]\nstale_secs = 2\n');
const noDeskConfig = path.join(dir, 'no-ops.toml');
writeFileSync(noDeskConfig, '[ops]\nenabled = false\n');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const MP_SA = 'ANDROID-978MP-CO6';
const iso = (ms) => new Date(ms).toISOString();

/** The roster and tasks, as the admin, counsel and the watch officer would post them. */
function commands(now) {
  const asOf = iso(now - 3600_000);
  const since = iso(now - 86400_000);
  const window = { from: iso(now + 3600_000), to: iso(now + 13 * 3600_000) };
  const unit = (u) => ({ op: 'unit', unit: { service: 'Army', ...u } });
  const status = (id, s) => ({ op: 'status', unit: id, status: { from: since, ...s } });
  const task = (id, title, requires) => ({
    op: 'task',
    task: { id, title, agency: 'CBP', requires, window, status: 'APPROVED' },
  });
  return [
    unit({ id: 'TF-SB', designation: 'Task Force Southern Border', echelon: 'BRIGADE', component: 'AC' }),
    unit({
      id: 'MP-CO', designation: '978 MP Co', parent: 'TF-SB', echelon: 'COMPANY', component: 'AC',
      cot_type: 'a-f-G-U-C-I', sa_uid: MP_SA, capabilities: ['LP/OP', 'ground transportation'],
      strength: { authorized: 120, assigned: 112, present_for_duty: 104, as_of: asOf },
      readiness: { c_level: 2, p: 2, s: 1, r: 2, t: 1, as_of: asOf },
    }),
    unit({
      id: 'AVN-DET', designation: 'Det 1, B Co 2-285 AVN', parent: 'TF-SB', echelon: 'SECTION', component: 'AC',
      cot_type: 'a-f-G-U-C-V', capabilities: ['aviation'],
      strength: { authorized: 24, assigned: 22, present_for_duty: 21, as_of: asOf },
      readiness: { c_level: 1, p: 1, s: 1, r: 2, t: 1, as_of: asOf },
    }),
    unit({
      id: 'NG-CO', designation: 'A Co, 1-158 IN, AZARNG', echelon: 'COMPANY', component: 'ARNG',
      cot_type: 'a-f-G-U-C-I',
      strength: { authorized: 131, assigned: 118, present_for_duty: 97, as_of: asOf },
      readiness: { c_level: 3, p: 3, s: 2, r: 2, t: 2, as_of: asOf },
    }),
    status('MP-CO', { kind: 'T10', order_ref: 'FORSCOM mobilisation order 25-114 (test)' }),
    status('AVN-DET', { kind: 'T10', order_ref: 'FORSCOM mobilisation order 25-114 (test)' }),
    status('NG-CO', { kind: 'T32_502f', state: 'AZ', order_ref: 'Arizona governor order 2025-07 (test)' }),
    {
      op: 'authority',
      authority: {
        id: 'AZ-GOV-LE', kind: 'GRANT', activities: ['ARREST_DETAIN'],
        citation: "Arizona governor's order 2025-07 granting state law-enforcement authority (test)",
        applies_to: { statuses: ['T32_502f'], states: ['AZ'] },
        source: "governor's order (test)", valid: { from: since }, approved_by: 'SJA (test)',
      },
    },
    task('T-1', 'LP/OP on the wash crossing', [{ activity: 'DETECT' }]),
    task('T-2', 'Staff the port-of-entry road checkpoint', [{ activity: 'CHECKPOINT' }]),
    task('T-3', 'Fly detainees to the processing centre', [{ activity: 'TRANSPORT_PERSONS_IN_CUSTODY' }]),
    task('T-4', "State arrests under the governor's order", [{ activity: 'ARREST_DETAIN' }]),
    { op: 'assign', task: 'T-1', unit: 'MP-CO' },
    { op: 'assign', task: 'T-2', unit: 'MP-CO' },
    { op: 'assign', task: 'T-3', unit: 'AVN-DET' },
    { op: 'assign', task: 'T-4', unit: 'NG-CO' },
  ];
}

async function post(server, cmd) {
  const r = await fetch(`${server.webUrl}/api/ops/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(cmd),
  });
  const body = await r.json();
  assert.equal(r.status, 200, `${cmd.op}: ${JSON.stringify(body)}`);
  assert.equal(body.accepted, true);
}

/** A roster row's attributes and the text of its parts. */
function rosterRow(page, id) {
  return page.evaluate((i) => {
    const r = document.querySelector(`[data-testid="roster-row"][data-id="${i}"]`);
    if (!r) return null;
    const part = (t) => r.querySelector(`[data-testid="${t}"]`);
    return {
      status: r.dataset.status, stale: r.dataset.stale, depth: Number(r.dataset.depth),
      amplifier: part('roster-amplifier')?.textContent, designation: part('roster-designation')?.textContent,
      duty: part('roster-status')?.textContent, pca: Boolean(part('roster-pca')), staleFlag: part('roster-stale')?.textContent ?? null,
      strength: part('roster-strength')?.textContent, strengthTitle: part('roster-strength')?.title,
      readiness: part('roster-readiness')?.textContent, readinessTitle: part('roster-readiness')?.title,
      location: part('roster-location')?.textContent, tasks: part('roster-tasks')?.textContent,
    };
  }, id);
}

/** A task card: its flags, and per element its outcome, decisions, review and field state. */
function taskCard(page, id) {
  return page.evaluate((i) => {
    const c = document.querySelector(`[data-testid="task-card"][data-id="${i}"]`);
    if (!c) return null;
    return {
      refused: Number(c.dataset.refused), pending: Number(c.dataset.pending), text: c.innerText,
      elements: [...c.querySelectorAll('[data-testid="element"]')].map((e) => ({
        element: e.dataset.element, outcome: e.dataset.outcome,
        decisions: [...e.querySelectorAll('[data-testid="activity-decision"]')].map((d) => ({
          activity: d.dataset.activity, outcome: d.dataset.outcome,
          rule: d.querySelector('[data-testid="decision-rule"]').textContent,
          citation: d.querySelector('[data-testid="decision-citation"]').textContent,
          reason: d.querySelector('[data-testid="decision-reason"]').textContent,
        })),
        review: e.querySelector('[data-testid="element-review"]')?.textContent ?? null,
        field: e.querySelector('[data-testid="element-field"]')?.textContent,
        buttons: e.querySelectorAll('[data-testid="review-allow"], [data-testid="review-refuse"]').length,
        error: e.querySelector('[data-testid="review-error"]')?.textContent ?? null,
      })),
    };
  }, id);
}

/** The units' map layer feature of unit `id` (properties), or null. */
function unitFeature(page, id) {
  return page.evaluate((i) => {
    const f = window.__wf.map.querySourceFeatures('ops-units').find((x) => x.properties.id === i);
    return f ? { ...f.properties, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] } : null;
  }, id);
}

copTest('ops roster, units on the map and the task board with a legal review', {
  timeoutMs: 90000,
  server: { extraArgs: ['--config', staleConfig] },
}, async ({ server, page, peer }) => {
  // The MP company's own SA from a real TAK client, every second until it stops.
  const mp = await peer(server.tcp, 'mp-co');
  const mpSa = () => mp.sa(MP_SA, 'MP CO 6', 31.402, -109.061);
  await mpSa();
  let saTimer = setInterval(() => mpSa().catch(() => {}), 1000);
  try {
    const t0 = Date.now();
    for (const cmd of commands(t0)) await post(server, cmd);

    await page.setViewportSize({ width: 1366, height: 768 });
    await openCop(page, server);
    await page.click(tid('tab-ops'));
    await page.locator(tid('ops-view')).waitFor({ state: 'visible', timeout: 3000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="roster-row"]').length === 4, null, { timeout: 8000 });

    // The roster: the tree, duty status, PCA, strength, readiness.
    const order = await page.$$eval(tid('roster-row'), (rows) => rows.map((r) => r.dataset.id));
    assert.deepEqual(order, ['NG-CO', 'TF-SB', 'AVN-DET', 'MP-CO'], 'each parent followed by its children');
    const mpRow = await rosterRow(page, 'MP-CO');
    assert.equal(mpRow.depth, 1, 'the MP company sits under the task force');
    assert.equal(mpRow.amplifier, 'I');
    assert.equal(mpRow.designation, '978 MP Co');
    assert.equal(mpRow.status, 'T10');
    assert.equal(mpRow.duty, 'T10');
    assert.ok(mpRow.pca, 'a Title 10 unit carries the PCA badge');
    assert.equal(mpRow.strength, '104/112/120');
    assert.match(mpRow.strengthTitle, /present for duty 104 \/ assigned 112 \/ authorized 120/);
    assert.equal(mpRow.readiness, 'C-2');
    assert.match(mpRow.readinessTitle, /P-2 S-1 R-2 T-1/);
    const ng = await rosterRow(page, 'NG-CO');
    assert.deepEqual([ng.depth, ng.status, ng.duty, ng.pca, ng.strength, ng.readiness], [0, 'T32_502f', 'T32 502(f) AZ', false, '97/118/131', 'C-3']);
    assert.equal(ng.location, 'no SA');
    assert.equal(ng.staleFlag, null, 'a unit naming no SA uid is not stale');
    assert.match(ng.tasks, /T-4/, 'cleared for the arrest task under the governor');
    const avn = await rosterRow(page, 'AVN-DET');
    assert.deepEqual([avn.amplifier, avn.status, avn.pca, avn.strength, avn.readiness], ['••', 'T10', true, '21/22/24', 'C-1']);
    const totals = await page.locator(tid('roster-totals')).innerText();
    assert.match(totals, /Component: AC 3 · ARNG 1/, totals);
    assert.match(totals, /Duty status: T10 2 · T32 502\(f\) 1/, totals);
    assert.match(totals, /Present for duty 222 of 252 assigned/, totals);

    // The MP company's position from its SA, in the row and on the map with its amplifier.
    await page.waitForFunction(
      () => /^31\.4020, -109\.0610$/.test(document.querySelector('[data-testid="roster-row"][data-id="MP-CO"] [data-testid="roster-location"]')?.textContent || ''),
      null, { timeout: 15000 },
    );
    assert.equal((await rosterRow(page, 'MP-CO')).stale, 'false');
    await page.waitForFunction(() => window.__wf.map.querySourceFeatures('ops-units').some((f) => f.properties.id === 'MP-CO'), null, { timeout: 5000 });
    const marker = await unitFeature(page, 'MP-CO');
    assert.equal(marker.amplifier, 'I');
    assert.equal(marker.echelon, 'COMPANY');
    assert.equal(marker.sidc[11], 'E', `2525C echelon letter E (company) in ${marker.sidc}`);
    assert.equal(marker.sidc[1], 'F', 'a friendly frame');
    assert.equal(marker.stale, false);
    // Source features come back from vector tiles: close, not exact.
    assert.ok(Math.abs(marker.lat - 31.402) < 1e-4 && Math.abs(marker.lon + 109.061) < 1e-4, JSON.stringify(marker));
    assert.equal(await unitFeature(page, 'NG-CO'), null, 'no marker without a fix');
    // A click on the row pans the map there.
    await page.click(`${tid('roster-row')}[data-id="MP-CO"]`);
    await page.waitForFunction(() => {
      const c = window.__wf.map.getCenter();
      return Math.abs(c.lat - 31.402) < 1e-3 && Math.abs(c.lng + 109.061) < 1e-3 && !window.__wf.map.isMoving();
    }, null, { timeout: 8000 });
    await page.waitForFunction(() => window.__wf.map.queryRenderedFeatures({ layers: ['ops-units'] }).some((f) => f.properties.id === 'MP-CO'), null, { timeout: 5000 });

    // The board: the three outcomes, flagged cards first, the citation on the refusal.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-card"]').length === 4, null, { timeout: 5000 });
    const cardOrder = await page.$$eval(tid('task-card'), (cs) => cs.map((c) => c.dataset.id));
    assert.deepEqual(cardOrder.slice(0, 2), ['T-3', 'T-2'], `review first, then refusal: ${cardOrder}`);
    const refused = await taskCard(page, 'T-2');
    assert.equal(refused.refused, 1);
    const [mpEl] = refused.elements;
    assert.equal(mpEl.element, 'MP-CO');
    assert.equal(mpEl.outcome, 'REFUSED');
    assert.deepEqual([mpEl.decisions[0].activity, mpEl.decisions[0].outcome, mpEl.decisions[0].rule], ['CHECKPOINT', 'REFUSED', 'T10-PCA']);
    assert.match(mpEl.decisions[0].citation, /18 U\.S\.C\. 1385/);
    assert.ok(mpEl.decisions[0].reason.length > 0, 'the reason text is shown');
    assert.equal(mpEl.buttons, 0, 'a refusal has no override button');
    const allowed = await taskCard(page, 'T-1');
    assert.deepEqual([allowed.elements[0].outcome, allowed.elements[0].decisions[0].rule], ['ALLOWED', 'DETECT-ALL']);
    assert.match(allowed.elements[0].decisions[0].citation, /10 U\.S\.C\. 124/);
    const state = await taskCard(page, 'T-4');
    assert.deepEqual([state.elements[0].outcome, state.elements[0].decisions[0].rule], ['ALLOWED', 'AZ-GOV-LE']);
    const pending = await taskCard(page, 'T-3');
    assert.equal(pending.pending, 1);
    assert.equal(pending.elements[0].outcome, 'NEEDS_REVIEW');
    assert.equal(pending.elements[0].buttons, 2, 'the operator holds the legal role: Allow and Refuse');
    assert.equal(await page.locator(tid('ops-badge-review')).innerText(), '1');
    assert.equal(await page.locator(tid('ops-badge-refused')).innerText(), '1');
    const reviewRows = await page.$$eval(tid('review-row'), (rs) => rs.map((r) => r.innerText));
    assert.equal(reviewRows.length, 1, JSON.stringify(reviewRows));
    assert.match(reviewRows[0], /T-3/);
    assert.match(reviewRows[0], /due \d{4}-\d\d-\d\d/);

    // The allowed task went to the MP company's TAK user, who answers WILCO.
    await mp.waitCot((e) => e.uid.startsWith('watchfloor-task.') && e.uid.endsWith('.MP-CO') && e.type.startsWith('t-'), 5000, 'the T-1 tasking');
    await mp.send({ op: 'chat', text: 'WILCO T-1' });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="task-card"][data-id="T-1"] [data-testid="element-field"]')?.textContent === 'WILCO',
      null, { timeout: 8000 },
    );
    assert.match((await rosterRow(page, 'MP-CO')).tasks, /T-1/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SHOT });
    console.log(`ops roster and board screenshot: ${SHOT}`);

    // A refused review shows the server's message where the button was.
    await page.route('**/api/ops/commands', (route) => route.fulfill({
      status: 403,
      contentType: 'application/json',
      body: JSON.stringify({ error: { status: 403, code: 'forbidden', message: 'ops.review needs the legal role; clerk does not hold it (audit record 99)' } }),
    }));
    page.once('dialog', (d) => d.accept('test of a refusal'));
    await page.click(`${tid('task-card')}[data-id="T-3"] ${tid('review-refuse')}`);
    await page.waitForFunction(
      () => /needs the legal role/.test(document.querySelector('[data-testid="task-card"][data-id="T-3"] [data-testid="review-error"]')?.textContent || ''),
      null, { timeout: 5000 },
    );
    assert.equal((await taskCard(page, 'T-3')).elements[0].outcome, 'NEEDS_REVIEW', 'nothing changed');
    await page.unroute('**/api/ops/commands');

    // Counsel allows it for real: the board shows the reviewer, the review list empties.
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      d.accept('CBP officers keep custody and guard the detainees aboard (SJA sign-off)');
    });
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/ops/commands') && r.method() === 'POST');
    await page.click(`${tid('task-card')}[data-id="T-3"] ${tid('review-allow')}`);
    const { assignment, ...sent } = (await posted).postDataJSON();
    assert.match(assignment, /^A-\d+$/);
    assert.deepEqual(sent, { op: 'review', element: 'AVN-DET', outcome: 'ALLOWED', reason: 'CBP officers keep custody and guard the detainees aboard (SJA sign-off)' });
    assert.match(asked, /AVN-DET/);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="task-card"][data-id="T-3"] [data-testid="element"]')?.dataset.outcome === 'ALLOWED',
      null, { timeout: 5000 },
    );
    const reviewed = (await taskCard(page, 'T-3')).elements[0];
    assert.match(reviewed.review, /Reviewed by operator/);
    assert.match(reviewed.review, /CBP officers keep custody/);
    assert.equal(reviewed.buttons, 0);
    assert.equal(reviewed.error, null);
    assert.equal(await page.locator(tid('review-row')).count(), 0);
    assert.equal(await page.locator(tid('ops-badge-review')).isVisible(), false);
    assert.match(await page.locator(tid('board-reviews')).innerText(), /No open legal reviews/);

    // Nothing changes: the page polls the version, and refetches little.
    const c0 = await page.evaluate(() => window.__wf.ops.feed());
    await page.waitForFunction((p) => window.__wf.ops.feed().polls >= p + 3, c0.polls, { timeout: 10000 });
    const c1 = await page.evaluate(() => window.__wf.ops.feed());
    assert.ok(c1.fetches - c0.fetches <= 2, `view fetches while idle: ${JSON.stringify({ c0, c1 })}`);

    // The MP company's SA stops: STALE on the roster and dimmed on the map.
    clearInterval(saTimer);
    saTimer = null;
    await mp.quit();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="roster-row"][data-id="MP-CO"]')?.dataset.stale === 'true',
      null, { timeout: 20000 },
    );
    assert.equal((await rosterRow(page, 'MP-CO')).staleFlag, 'STALE');
    assert.match(await page.locator(tid('roster-totals')).innerText(), /1 STALE/);
    await page.waitForFunction(() => window.__wf.map.querySourceFeatures('ops-units').some((f) => f.properties.id === 'MP-CO' && f.properties.stale === true), null, { timeout: 5000 });
    await page.screenshot({ path: SHOT_AFTER });
  } finally {
    if (saTimer) clearInterval(saTimer);
  }
});

copTest('ops panel says the ops desk is not running', {
  server: { extraArgs: ['--config', noDeskConfig] },
}, async ({ server, page }) => {
  const r = await fetch(`${server.webUrl}/api/ops/version`);
  assert.equal(r.status, 503);
  await openCop(page, server);
  await page.click(tid('tab-ops'));
  const line = page.locator(tid('ops-state'));
  await line.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await line.innerText(), 'ops desk not running');
  assert.equal(await page.evaluate(() => window.__wf.ops.state), 'down');
  assert.equal(await page.locator(tid('roster-row')).count(), 0);
  // The picture is untouched.
  await page.click(tid('tab-picture'));
  await page.locator(tid('object-list')).waitFor({ state: 'visible', timeout: 3000 });
});
