// The ops panels of `watchfloor demo`: the simulated task force's roster (9
// units, their duty statuses, the SIMULATION band), its 11 tasks on the board
// (7 allowed, 2 refused, 2 waiting for legal review, with the refusals' rule,
// citation and reason and the basis counsel must answer), the units on the
// map layer; counsel's review shown with who, when, why and what it answered;
// then a restart of the demo on the same data folder, which must not seed the
// desk a second time.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { launch, newContext, openCop, tid } from './lib/browser.mjs';
import { ARTIFACTS, startDemo } from './lib/server.mjs';

/** The screenshot with the demo's roster and board. */
const SHOT = path.join(ARTIFACTS, 'ops-demo-roster-board.png');

/** crates/sim/src/ops_demo.rs: id → [parent, duty status words, PCA-bound]. */
const UNITS = {
  'SIM-JTF-HQ': [null, 'T10', true],
  'SIM-AVN-DET': ['SIM-JTF-HQ', 'T10', true],
  'SIM-GSR-SEC': ['SIM-JTF-HQ', 'T10', true],
  'SIM-INTEL': ['SIM-JTF-HQ', 'T10', true],
  'SIM-ENG-CO': ['SIM-JTF-HQ', 'T32 502(f) AZ', false],
  'SIM-MP-CO': ['SIM-JTF-HQ', 'T10', true],
  'SIM-MIX-TM': ['SIM-JTF-HQ', 'T10', true], // no status of its own: its parent's
  'SIM-MIX-MP': ['SIM-MIX-TM', 'T10', true],
  'SIM-MIX-NG': ['SIM-MIX-TM', 'T32 502(f) AZ', false],
};
/** The demo's tasks and the assignment outcome of each (ops_demo.rs's table). */
const TASKS = {
  'SIM-T01': 'ALLOWED', 'SIM-T02': 'ALLOWED', 'SIM-T03': 'ALLOWED', 'SIM-T04': 'ALLOWED',
  'SIM-T05': 'REFUSED', 'SIM-T06': 'REFUSED',
  'SIM-T07': 'NEEDS_REVIEW', 'SIM-T08': 'NEEDS_REVIEW',
  'SIM-T09': 'ALLOWED', 'SIM-T10': 'ALLOWED', 'SIM-T11': 'ALLOWED',
};
const CUSTODY_BASIS = 'TRANSPORT_PERSONS_IN_CUSTODY:NEEDS_REVIEW:NO-AUTHORITY';
const REVIEW_REASON = '[SIM] CBP keeps custody and guards the persons aboard (simulated SJA sign-off)';

async function getJson(server, p) {
  const r = await fetch(`${server.webUrl}${p}`, { signal: AbortSignal.timeout(5000) });
  assert.equal(r.status, 200, `${p}: HTTP ${r.status}`);
  return r.json();
}

/** The board's tasks as {id: [assignment ids and outcomes]} and its open reviews. */
async function boardSummary(server) {
  const b = await getJson(server, '/api/ops/board');
  const tasks = Object.fromEntries(b.tasks.map((t) => [t.id, t.assignments.map((a) => `${a.id} ${a.outcome}`)]));
  return { tasks, reviews: b.reviews.map((r) => r.subject).sort(), raw: b };
}

/** Every roster row: id, depth, data-status, stale, duty text, PCA badge, designation. */
function rosterRows(page) {
  return page.$$eval(tid('roster-row'), (rows) => rows.map((r) => ({
    id: r.dataset.id, depth: Number(r.dataset.depth), status: r.dataset.status, stale: r.dataset.stale,
    duty: r.querySelector('[data-testid="roster-status"]')?.textContent,
    dutyVisible: r.querySelector('[data-testid="roster-status"]')?.checkVisibility() ?? false,
    pca: Boolean(r.querySelector('[data-testid="roster-pca"]')),
    designation: r.querySelector('[data-testid="roster-designation"]')?.textContent,
  })));
}

/** A task card's flags and per element its outcome, decisions, basis and review. */
function taskCard(page, id) {
  return page.evaluate((i) => {
    const c = document.querySelector(`[data-testid="task-card"][data-id="${i}"]`);
    if (!c) return null;
    const seen = (x) => Boolean(x && x.checkVisibility());
    const text = (x) => x?.textContent ?? null;
    return {
      status: c.dataset.status, refused: Number(c.dataset.refused), pending: Number(c.dataset.pending),
      classes: [...c.classList], borderLeft: getComputedStyle(c).borderLeftColor,
      flags: [...c.querySelectorAll('header .flag')].filter(seen).map((f) => f.textContent),
      assignments: [...c.querySelectorAll('[data-testid="assignment"]')].map((a) => a.dataset.outcome),
      elements: [...c.querySelectorAll('[data-testid="element"]')].map((e) => ({
        element: e.dataset.element, outcome: e.dataset.outcome,
        decisions: [...e.querySelectorAll('[data-testid="activity-decision"]')].map((d) => ({
          activity: d.dataset.activity, outcome: d.dataset.outcome,
          rule: text(d.querySelector('[data-testid="decision-rule"]')),
          citation: text(d.querySelector('[data-testid="decision-citation"]')),
          citationSeen: seen(d.querySelector('[data-testid="decision-citation"]')),
          reason: text(d.querySelector('[data-testid="decision-reason"]')),
          reasonSeen: seen(d.querySelector('[data-testid="decision-reason"]')),
        })),
        basis: e.querySelector('[data-testid="element-basis"]')?.dataset.basis ?? null,
        basisText: text(e.querySelector('[data-testid="element-basis"]')),
        basisSeen: seen(e.querySelector('[data-testid="element-basis"]')),
        review: text(e.querySelector('[data-testid="element-review"]')),
        reviewBy: text(e.querySelector('[data-testid="review-by"]')),
        reviewAt: e.querySelector('[data-testid="review-at"]')?.dateTime ?? null,
        reviewAtText: text(e.querySelector('[data-testid="review-at"]')),
        reviewOutcome: text(e.querySelector('[data-testid="review-outcome"]')),
        reviewReason: text(e.querySelector('[data-testid="review-reason"]')),
        reviewBasis: e.querySelector('[data-testid="review-basis"]')?.dataset.basis ?? null,
        reviewBasisSeen: seen(e.querySelector('[data-testid="review-basis"]')),
        buttons: e.querySelectorAll('[data-testid="review-allow"], [data-testid="review-refuse"]').length,
      })),
    };
  }, id);
}

test('watchfloor demo: the simulated task force on the roster, board and map, seeded once', { timeout: 150000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wf-ops-demo-'));
  let demo = null;
  let browser = null;
  let page = null;
  try {
    demo = await startDemo({ name: 'ops-demo-first', dataDir, durationS: 240 });
    const first = await boardSummary(demo);
    assert.deepEqual(Object.keys(first.tasks).sort(), Object.keys(TASKS).sort(), 'the 11 demo tasks');
    for (const [id, outcome] of Object.entries(TASKS)) {
      assert.equal(first.tasks[id].length, 1, `${id}: one assignment`);
      assert.match(first.tasks[id][0], new RegExp(`^A-\\d+ ${outcome}$`), `${id}: ${first.tasks[id]}`);
    }
    assert.deepEqual(first.reviews.length, 2, JSON.stringify(first.reviews));

    browser = await launch();
    const context = await newContext(browser, path.join(ARTIFACTS, 'ops-demo-console.log'));
    page = await context.newPage();
    await page.setViewportSize({ width: 1600, height: 1250 });
    await openCop(page, demo);
    await page.click(tid('tab-ops'));
    await page.locator(tid('ops-view')).waitFor({ state: 'visible', timeout: 3000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="roster-row"]').length === 9, null, { timeout: 10000 });

    // SIMULATION is on screen with the ops panels.
    const band = page.locator(tid('sim-badge'));
    assert.equal(await band.isVisible(), true, 'the SIMULATION band shows on the Ops tab');
    assert.equal(await band.innerText(), 'SIMULATION');

    // The roster: the 9 units, the tree, their duty statuses and PCA badges.
    const rows = await rosterRows(page);
    assert.deepEqual(rows.map((r) => r.id), [
      'SIM-JTF-HQ', 'SIM-AVN-DET', 'SIM-ENG-CO', 'SIM-GSR-SEC', 'SIM-INTEL', 'SIM-MIX-TM', 'SIM-MIX-MP', 'SIM-MIX-NG', 'SIM-MP-CO',
    ], 'each parent followed by its children (siblings by id, as the server lists them)');
    for (const r of rows) {
      const [parent, duty, pca] = UNITS[r.id];
      const depth = parent === null ? 0 : UNITS[parent][0] === null ? 1 : 2;
      assert.equal(r.depth, depth, `${r.id} depth`);
      assert.equal(r.duty, duty, `${r.id} duty status`);
      assert.ok(r.dutyVisible, `${r.id}: its duty status is visible`);
      assert.equal(r.status, duty === 'T10' ? 'T10' : 'T32_502f', r.id);
      assert.equal(r.pca, pca, `${r.id} PCA badge`);
      assert.match(r.designation, /^\[SIM\] /, `${r.id} is labelled simulation`);
    }
    assert.equal(await page.locator('#roster-count').innerText(), '9 units');
    const totals = await page.locator(tid('roster-totals')).innerText();
    assert.match(totals, /Component: AC 6 · ARNG 2/, totals);
    assert.match(totals, /Duty status: T10 7 · T32 502\(f\) 2/, totals);
    assert.match(totals, /Present for duty 408 of 443 assigned/, totals);

    // The units' own SA reaches the roster and the map layer (the demo force reports every few seconds).
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="roster-row"] [data-testid="roster-location"]')].every((c) => /^31\.\d{4}, -10[89]\.\d{4}$/.test(c.textContent)),
      null, { timeout: 20000 },
    );
    assert.ok((await rosterRows(page)).every((r) => r.stale === 'false'), 'no unit is stale while the force reports');
    // Source features come from the layer's tiles, rebuilt on every roster refresh: read
    // the layer in one go, once it is complete.
    const want = JSON.stringify(Object.keys(UNITS).sort());
    const layer = await (await page.waitForFunction((w) => {
      const fs = window.__wf.map.querySourceFeatures('ops-units');
      const ids = [...new Set(fs.map((f) => f.properties.id))].sort();
      return JSON.stringify(ids) === w && { ids, hq: fs.find((f) => f.properties.id === 'SIM-JTF-HQ').properties };
    }, want, { timeout: 15000 })).jsonValue();
    assert.deepEqual(layer.ids, Object.keys(UNITS).sort(), 'every unit on the map layer');
    const { hq } = layer;
    assert.equal(hq.echelon, 'COMMAND');
    assert.equal(hq.sidc[1], 'F', `a friendly frame: ${hq.sidc}`);
    assert.equal(hq.stale, false);

    // The board: 11 cards, reviews first, then refusals; 7 allowed, 2 refused, 2 for review.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-card"]').length === 11, null, { timeout: 5000 });
    assert.equal(await page.locator('#board-count').innerText(), '11 tasks');
    const cardOrder = await page.$$eval(tid('task-card'), (cs) => cs.map((c) => c.dataset.id));
    assert.deepEqual(cardOrder.slice(0, 5), ['SIM-T07', 'SIM-T08', 'SIM-T05', 'SIM-T06', 'SIM-T09'], `flagged first: ${cardOrder}`);
    const outcomes = await page.$$eval(tid('assignment'), (as) => as.map((a) => a.dataset.outcome));
    const tally = outcomes.reduce((m, o) => ({ ...m, [o]: (m[o] ?? 0) + 1 }), {});
    assert.deepEqual(tally, { ALLOWED: 7, REFUSED: 2, NEEDS_REVIEW: 2 });
    assert.equal(await page.locator(tid('ops-badge-review')).innerText(), '2');
    assert.equal(await page.locator(tid('ops-badge-refused')).innerText(), '3', 'T05, T06 and the mixed team MP squad');
    const reviewRows = await page.$$eval(tid('review-row'), (rs) => rs.map((r) => r.dataset.subject).sort());
    assert.deepEqual(reviewRows, first.reviews);

    const allowed = await taskCard(page, 'SIM-T01');
    assert.equal(allowed.assignments[0], 'ALLOWED');
    assert.deepEqual(allowed.elements[0].decisions.map((d) => [d.activity, d.outcome, d.rule]),
      [['TRANSPORT_LE_PERSONNEL', 'ALLOWED', 'TRANSPORT-LE-ALL'], ['AVIATION_SUPPORT', 'ALLOWED', 'AVIATION-ALL']]);
    assert.equal(allowed.elements[0].basis, null, 'an allowed element has nothing to review');
    assert.deepEqual(allowed.flags, []);

    const refused = await taskCard(page, 'SIM-T05');
    assert.equal(refused.status, 'REFUSED');
    assert.ok(refused.classes.includes('has-refused'), refused.classes.join(' '));
    assert.deepEqual(refused.flags, ['1 REFUSED']);
    const [check] = refused.elements[0].decisions;
    assert.deepEqual([refused.elements[0].outcome, check.activity, check.outcome, check.rule], ['REFUSED', 'CHECKPOINT', 'REFUSED', 'T10-PCA']);
    assert.match(check.citation, /18 U\.S\.C\. 1385/);
    assert.ok(check.citationSeen, 'the citation is visible');
    assert.match(check.reason, /CHECKPOINT is prohibited for T10/);
    assert.ok(check.reasonSeen, 'the reason is visible');
    assert.equal(refused.elements[0].buttons, 0, 'a refusal has no review buttons');
    const mixed = await taskCard(page, 'SIM-T09');
    assert.deepEqual(mixed.elements.map((e) => [e.element, e.outcome]), [['SIM-MIX-MP', 'REFUSED'], ['SIM-MIX-NG', 'ALLOWED']]);
    assert.equal(mixed.elements[1].decisions[0].rule, 'SIM-AZ-GOV-LE');

    // Waiting for review: amber, flagged, the basis counsel must answer shown.
    const pending = await taskCard(page, 'SIM-T07');
    assert.equal(pending.pending, 1);
    assert.ok(pending.classes.includes('has-review'), pending.classes.join(' '));
    assert.equal(pending.borderLeft, 'rgb(255, 176, 32)', 'the card stands out in amber');
    assert.deepEqual(pending.flags, ['1 REVIEW']);
    const [custody] = pending.elements;
    assert.deepEqual([custody.element, custody.outcome, custody.buttons], ['SIM-AVN-DET', 'NEEDS_REVIEW', 2]);
    assert.equal(custody.basis, CUSTODY_BASIS);
    assert.ok(custody.basisSeen, 'the basis is visible');
    assert.match(custody.basisText, /For counsel to answer:\s*TRANSPORT_PERSONS_IN_CUSTODY NEEDS REVIEW NO-AUTHORITY/);
    assert.match(custody.decisions[0].reason, /CUSTODY_REMAINS_WITH_LEA not declared/);
    assert.equal(custody.review, null);
    const roads = await taskCard(page, 'SIM-T08');
    assert.equal(roads.elements[0].basis, 'MONITOR_TRAFFIC:NEEDS_REVIEW:NO-AUTHORITY');

    await page.screenshot({ path: SHOT });
    console.log(`ops demo roster and board screenshot: ${SHOT}`);

    // Counsel allows T07: the prompt names the basis, the board shows who, when, why and what it answered.
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      d.accept(REVIEW_REASON);
    });
    const before = Date.now();
    await page.click(`${tid('task-card')}[data-id="SIM-T07"] ${tid('review-allow')}`);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="task-card"][data-id="SIM-T07"] [data-testid="element"]')?.dataset.outcome === 'ALLOWED',
      null, { timeout: 8000 },
    );
    assert.match(asked, /SIM-AVN-DET/);
    assert.match(asked, /TRANSPORT_PERSONS_IN_CUSTODY:NEEDS_REVIEW:NO-AUTHORITY/);
    const reviewed = (await taskCard(page, 'SIM-T07')).elements[0];
    assert.equal(reviewed.reviewBy, 'operator');
    assert.equal(reviewed.reviewOutcome, 'ALLOWED');
    assert.equal(reviewed.reviewReason, REVIEW_REASON);
    const at = Date.parse(reviewed.reviewAt);
    assert.ok(at >= before - 5000 && at <= Date.now() + 5000, `reviewed at ${reviewed.reviewAt}`);
    assert.match(reviewed.reviewAtText, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.equal(reviewed.reviewBasis, CUSTODY_BASIS, 'the review says which reasons it answered');
    assert.ok(reviewed.reviewBasisSeen);
    assert.equal(reviewed.basis, null, 'nothing left to answer');
    assert.equal(reviewed.buttons, 0);
    const json = (await boardSummary(demo)).raw.tasks.find((x) => x.id === 'SIM-T07').assignments[0].elements[0].review;
    assert.deepEqual([json.by, json.outcome, json.reason, json.basis], ['operator', 'ALLOWED', REVIEW_REASON, CUSTODY_BASIS]);
    assert.equal(json.at, reviewed.reviewAt);
    await page.waitForFunction(() => document.querySelector('[data-testid="ops-badge-review"]')?.textContent === '1', null, { timeout: 5000 });
    const afterReview = await boardSummary(demo);
    await page.close();
    page = null;

    // Restart on the same data folder: the desk is there once, with counsel's review.
    await demo.stop();
    demo = null;
    demo = await startDemo({ name: 'ops-demo-second', dataDir, durationS: 240 });
    const second = await boardSummary(demo);
    assert.equal(Object.keys(second.tasks).length, 11, `still 11 tasks: ${Object.keys(second.tasks)}`);
    assert.deepEqual(second.tasks, afterReview.tasks, 'the same assignments, not a second seeding');
    assert.deepEqual(second.reviews, afterReview.reviews);
    assert.equal(second.tasks['SIM-T07'][0].split(' ')[1], 'ALLOWED', 'the review survived');
    const roster = await getJson(demo, '/api/ops/roster');
    assert.deepEqual(roster.units.map((u) => u.id).sort(), Object.keys(UNITS).sort(), 'still 9 units');
    page = await context.newPage();
    await page.setViewportSize({ width: 1600, height: 1250 });
    await openCop(page, demo);
    await page.click(tid('tab-ops'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-card"]').length === 11, null, { timeout: 10000 });
    assert.equal(await page.locator(tid('roster-row')).count(), 9);
    assert.equal((await taskCard(page, 'SIM-T07')).elements[0].reviewBasis, CUSTODY_BASIS);
    // For the end screenshot: the reviewed card in view.
    await page.evaluate(() => document.querySelector('[data-testid="task-card"][data-id="SIM-T07"]').scrollIntoView({ block: 'center' }));
  } finally {
    if (page) await page.screenshot({ path: path.join(ARTIFACTS, 'ops-demo-end.png'), timeout: 10000 }).catch((e) => t.diagnostic(`screenshot: ${e.message}`));
    if (browser) await browser.close().catch(() => {});
    if (demo) await demo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
