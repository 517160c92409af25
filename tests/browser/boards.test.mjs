// The watch officer's boards in the page: an OPORD with a suspense and a
// task, a FRAGORD that changes and adds paragraphs, two late suspenses, one
// due in 2 days, a unit whose SA comes from a real TAK peer and its daily
// PERSTAT series, all posted through /api/ops/commands. The suspense board
// shows the API's metrics, rows soonest due first, the late ones red and in
// the alert banner; the owner filter narrows it; Extend without a reason
// shows the engine's refusal, with one moves the due (EXTENDED); Meet
// clears the alert. The order view shows the FRAGORD's paragraphs "set by"
// it, the older text as of an instant before its DTG, the references with
// the authority's citation and a missing one flagged. The timeline lists
// the extension and the refusal, and its task, order and unit links work.
// A user without an ops role sees the board and its alert but no Meet,
// Extend or Waive; a watch officer logged in beside them does.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { copTest, newContext, openCop, tid, waitLive } from './lib/browser.mjs';
import { ARTIFACTS, opsCommand, webJson } from './lib/server.mjs';

const SHOT_BOARD = path.join(ARTIFACTS, 'suspense-board.png');
const SHOT_ORDER = path.join(ARTIFACTS, 'order-view.png');
const SHOT_TIMELINE = path.join(ARTIFACTS, 'timeline.png');

const H = 3600_000;
const D = 24 * H;
const iso = (ms) => new Date(ms).toISOString();
/** A time field's text for `ms`, as the page writes it ("2025-03-01 08:00:00Z"). */
const local = (ms) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
/** The date-time group of `ms` ("011200Z MAR 25"), as staffs write it. */
function dtg(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  const mon = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][d.getUTCMonth()];
  return `${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}Z ${mon} ${p(d.getUTCFullYear() % 100)}`;
}

const MP_SA = 'ANDROID-BOARDS-MP6';
const OPORD = 'OPORD-25-07';
const FRAGORD = 'FRAGORD-25-07-001';
const NEW_3A = 'Concept: screen the wash crossings from LP/OP 4 and LP/OP 7, day and night.';
const OLD_3A = 'Concept: screen the wash crossings from LP/OP 4 by day.';
const ADDED_3C = 'Coordinating instructions: report every crossing to the CBP watch desk within 10 minutes.';
const REFUSAL = /an extension needs an authority and a reason/;

/** The desk: a unit and its task, the order tree, standalone and recurring suspenses. */
function commands(t0) {
  return [
    {
      op: 'unit',
      unit: {
        id: 'MP-CO', designation: '978 MP Co', service: 'Army', echelon: 'COMPANY', component: 'AC',
        cot_type: 'a-f-G-U-C-I', sa_uid: MP_SA,
      },
    },
    {
      op: 'task',
      task: {
        id: 'T-1', title: 'LP/OP on the wash crossing', agency: 'CBP', requires: [{ activity: 'DETECT' }],
        window: { from: iso(t0 + H), to: iso(t0 + 13 * H) }, status: 'APPROVED',
      },
    },
    {
      op: 'order',
      order: {
        id: OPORD, kind: 'OPORD', dtg: iso(t0 - 2 * D), issuer: 'JTF-SB', subject: 'Screen of the southern wash crossings',
        references: [
          { letter: 'A', target: { authority: 'DETECT-ALL' }, citation: '10 U.S.C. 124' },
          { letter: 'B', target: { authority: 'AZ-EO-2025-07' }, citation: "Arizona governor's order 2025-07" },
          { letter: 'C', target: { document: 'FM 6-0' }, citation: 'FM 6-0' },
        ],
        paragraphs: {
          1: 'Situation: crossings at the wash rose over the last week.',
          2: 'Mission: JTF-SB screens the wash crossings to detect and report.',
          3: 'Execution.',
          '3.a': OLD_3A,
          '3.b': 'Tasks: 978 MP Co mans the LP/OPs.',
          4: 'Sustainment: class I from the FOB.',
          5: 'Command and signal: JTF-SB TOC on the TAK server.',
        },
        tasks: ['T-1'],
        suspenses: [{ id: 'CONOP', owner: 'J3', due: iso(t0 + 20 * D), title: 'CONOP brief to the CoS' }],
      },
    },
    {
      op: 'order',
      order: {
        id: FRAGORD, kind: 'FRAGORD', dtg: iso(t0 - D), issuer: 'JTF-SB', base: OPORD,
        changes: [
          { paragraph: '3.a', change: { replace: NEW_3A } },
          { paragraph: '3.c', change: { add: ADDED_3C } },
        ],
      },
    },
    { op: 'suspense', suspense: { id: 'S-ROUTE', owner: 'J3', due: iso(t0 - 2 * D - 3 * H), title: 'Route study for the second LP/OP' } },
    { op: 'suspense', suspense: { id: 'S-SITREP', owner: 'J2', due: iso(t0 - 5 * H), title: 'Weekly intelligence SITREP' } },
    { op: 'suspense', suspense: { id: 'S-RANGE', owner: 'MP-CO', due: iso(t0 + 2 * D), title: 'Range card for LP/OP 7' } },
    { op: 'recurring', recurring: { id: 'PERSTAT-MP', owner: 'MP-CO', subject: 'PERSTAT', first_due: iso(t0 + 6 * H), every: '1d' } },
  ];
}

async function post(server, cmd) {
  const r = await opsCommand(server, cmd);
  assert.equal(r.status, 200, `${cmd.op}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.accepted, true);
}

/** The board's rows as the page shows them (read in one go: the board redraws on every version bump). */
function boardRows(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-testid="suspense-row"]')].map((r) => ({
    id: r.dataset.id, status: r.dataset.status, alert: r.dataset.alert, due: r.dataset.due,
    owner: r.querySelector('[data-testid="suspense-owner-cell"]').textContent,
    rel: r.querySelector('[data-testid="suspense-rel"]').textContent,
    utc: r.querySelector('[data-testid="suspense-due"]').textContent,
    badge: getComputedStyle(r.querySelector('[data-testid="suspense-status"]')).backgroundColor,
    badgeText: getComputedStyle(r.querySelector('[data-testid="suspense-status"]')).color,
  })));
}

/** The metric tiles as {key: data-value}. */
function tiles(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid="suspense-metric"]')].map((t) => [t.dataset.key, t.dataset.value])));
}

/** The banner's suspense alerts: id and text. */
function bannerSuspenses(page) {
  return page.$$eval('[data-testid="alert-banner"]:not([hidden]) [data-testid="suspense-alert"]', (xs) => xs.map((x) => ({
    id: x.dataset.id, text: x.innerText,
  })));
}

const waitFor = (page, fn, arg, what, timeout = 8000) => page.waitForFunction(fn, arg, { timeout, polling: 50 }).catch((e) => {
  throw new Error(`${what}: ${e.message}`);
});

let saTimer = null;

copTest('suspense board, order view and timeline of the watch officer', { timeoutMs: 90000 }, async (env) => {
  try {
    await boards(env);
  } finally {
    clearInterval(saTimer);
  }
});

async function boards({ server, page, peer }) {
  // The MP company's own SA from a real TAK client, every second while the test runs.
  const mp = await peer(server.tcp, 'mp-co');
  const mpSa = () => mp.sa(MP_SA, 'MP CO 6', 31.412, -109.071);
  await mpSa();
  saTimer = setInterval(() => mpSa().catch(() => {}), 1000);
  const t0 = Date.now();
  for (const cmd of commands(t0)) await post(server, cmd);

  await page.setViewportSize({ width: 1440, height: 900 });
  await openCop(page, server);

  // The late suspenses are in the banner from the Picture tab already, apart from CoT alerts.
  await waitFor(page, () => document.querySelectorAll('[data-testid="alert-banner"]:not([hidden]) [data-testid="suspense-alert"]').length === 2, null, 'two suspense alerts');
  const banner = await bannerSuspenses(page);
  assert.deepEqual(banner.map((b) => b.id), ['S-ROUTE', 'S-SITREP'], 'soonest due first');
  assert.match(banner[0].text, /SUSPENSE S-ROUTE/);
  assert.match(banner[0].text, /late 2 d/, banner[0].text);
  assert.match(banner[1].text, /late 5 h/, banner[1].text);
  assert.equal(await page.locator(tid('alert')).count(), 0, 'no CoT emergency item');
  assert.equal(await page.locator(tid('ops-badge-suspense')).innerText(), '2');

  // The banner's Open button: the Ops tab, the suspense board, that row's details.
  await page.click(`${tid('suspense-alert')}[data-id="S-SITREP"] ${tid('suspense-alert-open')}`);
  await page.locator(tid('suspense-board')).waitFor({ state: 'visible', timeout: 3000 });
  await waitFor(page, () => document.querySelectorAll('[data-testid="suspense-row"]').length === 5, null, 'five open suspenses');
  await waitFor(page, () => document.querySelector('[data-testid="suspense-row"].selected')?.dataset.id === 'S-SITREP'
    && document.querySelector('[data-testid="suspense-details"]')?.dataset.id === 'S-SITREP', null, 'S-SITREP opened from the banner');
  assert.equal(await page.evaluate(() => [window.__wf.ops.tab, window.__wf.ops.sub].join()), 'ops,suspenses');

  // The metrics are the API's own (the board reads them with closed=true: met and waived counted too).
  const api = await webJson(server, '/api/ops/suspenses?closed=true');
  const m = api.metrics.overall;
  const shown = await tiles(page);
  for (const k of ['open', 'due_7d', 'late', 'days_late', 'met', 'waived']) {
    assert.equal(shown[k], String(m[k]), `${k}: page ${shown[k]}, API ${m[k]}`);
  }
  assert.deepEqual([m.open, m.due_7d, m.late, m.days_late], [5, 2, 2, 2], JSON.stringify(m));

  // Soonest due first, as the API lists them; late red, open neutral.
  let rows = await boardRows(page);
  assert.deepEqual(rows.map((r) => r.id), api.suspenses.map((s) => s.id));
  assert.deepEqual(rows.map((r) => r.id), ['S-ROUTE', 'S-SITREP', rows[2].id, 'S-RANGE', `${OPORD}/CONOP`]);
  assert.match(rows[2].id, /^PERSTAT-MP@/, 'the first PERSTAT of the series');
  const dues = rows.map((r) => Date.parse(r.due));
  assert.deepEqual([...dues].sort((a, b) => a - b), dues, 'sorted by current due');
  const late = rows[0];
  assert.equal(late.status, 'LATE');
  assert.equal(late.alert, 'true');
  assert.equal(late.badge, 'rgb(255, 59, 59)', 'LATE is red');
  assert.match(late.rel, /^2 d 3 h late$/, late.rel);
  assert.match(late.utc, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  const range = rows.find((r) => r.id === 'S-RANGE');
  assert.equal(range.status, 'OPEN');
  assert.match(range.rel, /^in (1 d 23 h|2 d)$/, range.rel);
  assert.equal(range.badge, 'rgba(0, 0, 0, 0)', 'OPEN is neutral');

  // The owner filter: the select holds the API's owners and narrows the rows.
  const owners = await page.$$eval(`${tid('suspense-owner')} option`, (os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(owners, api.owners);
  await page.selectOption(tid('suspense-owner'), 'MP-CO');
  await waitFor(page, () => [...document.querySelectorAll('[data-testid="suspense-row"]')].every((r) => r.querySelector('[data-testid="suspense-owner-cell"]').textContent === 'MP-CO')
    && document.querySelectorAll('[data-testid="suspense-row"]').length === 2, null, 'only MP-CO rows');
  const mine = await webJson(server, '/api/ops/suspenses?closed=true&owner=MP-CO');
  assert.equal((await tiles(page)).open, String(mine.metrics.overall.open), 'the metrics follow the filter');
  assert.equal(mine.metrics.overall.open, 2);
  await page.selectOption(tid('suspense-owner'), '');
  await waitFor(page, () => document.querySelectorAll('[data-testid="suspense-row"]').length === 5, null, 'all rows again');

  // Extend without a reason: the engine refuses, the page shows its words, nothing moves.
  await page.click(`${tid('suspense-row')}[data-id="S-ROUTE"]`);
  await page.locator(tid('suspense-details')).waitFor({ state: 'visible', timeout: 3000 });
  assert.equal(await page.locator(`${tid('suspense-details')} ${tid('suspense-extension')}`).count(), 0);
  await page.click(tid('suspense-extend'));
  const form = page.locator(`${tid('suspense-form')}[data-kind="extend"]`);
  await form.waitFor({ state: 'visible', timeout: 3000 });
  const newDue = Math.floor((t0 + 3 * D) / 1000) * 1000;
  await form.locator('[name="due"]').fill(local(newDue));
  await form.locator('[name="authority"]').fill('CoS JTF-SB');
  const refusedPost = page.waitForRequest((r) => r.url().endsWith('/api/ops/commands') && r.method() === 'POST');
  await page.click(tid('suspense-submit'));
  assert.deepEqual((await refusedPost).postDataJSON(), {
    op: 'extend', suspense: 'S-ROUTE', due: iso(newDue), authority: 'CoS JTF-SB', reason: '',
  });
  await waitFor(page, (re) => new RegExp(re).test(document.querySelector('[data-testid="suspense-error"]')?.textContent || ''), REFUSAL.source, 'the refusal text');
  assert.match(await page.locator(tid('suspense-error')).innerText(), /\(audit record \d+\)/, 'the server\'s own words');
  assert.equal(await page.locator(`${tid('suspense-row')}[data-id="S-ROUTE"]`).getAttribute('data-status'), 'LATE');
  assert.equal(await form.locator('[name="authority"]').inputValue(), 'CoS JTF-SB', 'what was typed stays');

  // With a reason: EXTENDED (amber), due moved, the extension in the details.
  await form.locator('[name="reason"]').fill('the route survey waits for the DHS assessment');
  await page.click(tid('suspense-submit'));
  await waitFor(page, () => document.querySelector('[data-testid="suspense-row"][data-id="S-ROUTE"]')?.dataset.status === 'EXTENDED', null, 'S-ROUTE extended');
  rows = await boardRows(page);
  const ext = rows.find((r) => r.id === 'S-ROUTE');
  assert.equal(Date.parse(ext.due), newDue, 'the row shows the new due');
  assert.match(ext.rel, /^in (2 d 23 h|3 d)$/, ext.rel);
  assert.equal(ext.badgeText, 'rgb(255, 176, 32)', 'EXTENDED is amber');
  assert.deepEqual(rows.map((r) => r.id).indexOf('S-ROUTE'), 3, 'resorted by its new due');
  const extLine = await page.locator(`${tid('suspense-details')} ${tid('suspense-extension')}`).innerText();
  assert.match(extLine, /CoS JTF-SB/);
  assert.match(extLine, /DHS assessment/);
  assert.equal(await page.locator(tid('suspense-error')).count(), 0);
  assert.equal(await page.locator(tid('suspense-form')).count(), 0, 'the form closed');
  const afterExt = await webJson(server, '/api/ops/suspenses');
  const routeApi = afterExt.suspenses.find((s) => s.id === 'S-ROUTE');
  assert.equal(routeApi.status, 'EXTENDED');
  await waitFor(page, (want) => Boolean(document.querySelector('[data-testid="suspense-alert"][data-id="S-ROUTE"]')) === want, routeApi.alert, 'the banner follows the API');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: SHOT_BOARD });
  console.log(`suspense board screenshot: ${SHOT_BOARD}`);

  // Meet: the alert goes, the row leaves the open board and shows MET with "show closed".
  await page.click(`${tid('suspense-row')}[data-id="S-SITREP"]`);
  await page.click(tid('suspense-meet'));
  await waitFor(page, () => !document.querySelector('[data-testid="suspense-alert"][data-id="S-SITREP"]'), null, 'the S-SITREP alert gone');
  await waitFor(page, () => !document.querySelector('[data-testid="suspense-row"][data-id="S-SITREP"]'), null, 'S-SITREP off the open rows');
  await page.check(tid('suspense-closed'));
  await waitFor(page, () => document.querySelector('[data-testid="suspense-row"][data-id="S-SITREP"]')?.dataset.status === 'MET', null, 'S-SITREP MET');
  const met = (await boardRows(page)).find((r) => r.id === 'S-SITREP');
  assert.equal(met.badgeText, 'rgb(53, 208, 127)', 'MET is green');
  assert.match(await page.locator(tid('suspense-met')).innerText(), /Met .* by operator/);
  assert.equal((await tiles(page)).met, '1');
  await page.uncheck(tid('suspense-closed'));

  // The order view: the tree, the effective text with what the FRAGORD set, the references.
  await page.click(tid('ops-sub-orders'));
  await waitFor(page, () => document.querySelectorAll('[data-testid="order-para"]').length === 8, null, 'the effective paragraphs');
  const tree = await page.$$eval(tid('order-row'), (rs) => rs.map((r) => [r.dataset.id, r.dataset.kind, Number(r.dataset.depth)]));
  assert.deepEqual(tree, [[OPORD, 'OPORD', 0], [FRAGORD, 'FRAGORD', 1]]);
  const paras = () => page.$$eval(tid('order-para'), (ps) => ps.map((p) => ({
    addr: p.dataset.addr, text: p.querySelector('[data-testid="para-text"]').textContent,
    setBy: p.querySelector('[data-testid="para-set-by"]')?.textContent ?? null,
  })));
  let ps = await paras();
  assert.deepEqual(ps.map((p) => p.addr), ['1', '2', '3', '3.a', '3.b', '3.c', '4', '5'], 'document order');
  const p3a = ps.find((p) => p.addr === '3.a');
  assert.deepEqual([p3a.text, p3a.setBy], [NEW_3A, `set by ${FRAGORD}`]);
  assert.deepEqual(ps.find((p) => p.addr === '3.c'), { addr: '3.c', text: ADDED_3C, setBy: `set by ${FRAGORD}` });
  assert.equal(ps.find((p) => p.addr === '3.b').setBy, null, 'unchanged paragraphs are the OPORD\'s');
  assert.match(await page.locator(tid('order-applied')).innerText(), new RegExp(`as changed by ${FRAGORD}`));
  const refs = await page.$$eval(tid('order-ref'), (rs) => rs.map((r) => ({
    line: r.querySelector('[data-testid="ref-line"]').textContent,
    authority: r.querySelector('[data-testid="ref-authority"]')?.textContent ?? null,
    missing: r.querySelector('[data-testid="ref-missing"]')?.textContent ?? null,
  })));
  assert.equal(refs.length, 3);
  assert.equal(refs[0].line, 'REF/A/AUTH/10 U.S.C. 124//');
  assert.match(refs[0].authority, /10 U\.S\.C\. 124; 10 U\.S\.C\. 274/, 'the authority record\'s own citation');
  assert.equal(refs[0].missing, null);
  assert.match(refs[1].missing, /AZ-EO-2025-07 is not on file/);
  assert.deepEqual(refs[2], { line: 'REF/C/DOC/FM 6-0//', authority: null, missing: null });
  assert.equal(await page.locator(`${tid('order-suspense')}[data-id="${OPORD}/CONOP"]`).count(), 1);
  await page.screenshot({ path: SHOT_ORDER });
  console.log(`order view screenshot: ${SHOT_ORDER}`);

  // As of an instant before the FRAGORD's DTG: the older text, nothing "set by" it.
  const asOf = page.waitForResponse((r) => r.url().includes(`/api/ops/orders/${OPORD}?at=`));
  await page.fill(tid('order-at'), local(t0 - 36 * H));
  await page.press(tid('order-at'), 'Enter');
  const asOfAnswer = await asOf;
  assert.equal(asOfAnswer.status(), 200);
  assert.equal(new URL(asOfAnswer.url()).searchParams.get('at'), iso(Math.floor((t0 - 36 * H) / 1000) * 1000));
  await waitFor(page, (old) => [...document.querySelectorAll('[data-testid="order-para"]')].some((p) => p.dataset.addr === '3.a' && p.textContent.includes(old)), OLD_3A, 'the older 3.a');
  ps = await paras();
  assert.deepEqual(ps.map((p) => p.addr), ['1', '2', '3', '3.a', '3.b', '4', '5'], 'no 3.c yet');
  assert.ok(ps.every((p) => p.setBy === null), JSON.stringify(ps));
  assert.match(await page.locator(tid('order-applied')).innerText(), /as issued/);
  // Before the OPORD's own DTG, written as a DTG: the server's 422, said.
  await page.fill(tid('order-at'), dtg(t0 - 3 * D));
  await page.press(tid('order-at'), 'Enter');
  await waitFor(page, () => /not in effect/.test(document.querySelector('[data-testid="order-error"]')?.textContent || ''), null, 'the 422 said');
  assert.equal(await page.locator(tid('order-para')).count(), 0);
  await page.click(tid('order-now'));
  await waitFor(page, (t) => [...document.querySelectorAll('[data-testid="para-text"]')].some((p) => p.textContent === t), NEW_3A, 'now again');
  // Its task link selects the task on the board.
  await page.click(`${tid('order-task')}[data-id="T-1"]`);
  await waitFor(page, () => document.querySelector('[data-testid="task-card"][data-id="T-1"]')?.classList.contains('selected') && !document.getElementById('ops-desk').hidden, null, 'T-1 selected on the board');
  assert.equal(await page.evaluate(() => window.__wf.ops.sub), 'desk');

  // The timeline: newest first, the extension and the refusal; its links lead to the task, the order, the unit.
  await page.click(tid('ops-sub-timeline'));
  await waitFor(page, () => [...document.querySelectorAll('[data-testid="timeline-entry"]')].some((e) => e.dataset.action === 'ops.meet'), null, 'the timeline up to the meet');
  const entries = await page.$$eval(tid('timeline-entry'), (es) => es.map((e) => ({
    seq: Number(e.dataset.seq), kind: e.dataset.kind, action: e.dataset.action,
    summary: e.querySelector('[data-testid="timeline-summary"]').textContent,
    actor: e.querySelector('[data-testid="timeline-actor"]').textContent,
    label: e.querySelector('[data-testid="timeline-kind-label"]').textContent,
    time: e.querySelector('[data-testid="timeline-time"]').textContent,
    links: [...e.querySelectorAll('[data-testid="timeline-link"]')].map((l) => `${l.dataset.kind}:${l.dataset.id}`),
  })));
  const seqs = entries.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
  const tl = await webJson(server, '/api/ops/timeline?hours=24');
  assert.deepEqual(seqs.slice(0, tl.entries.length), tl.entries.map((e) => e.seq).slice(0, seqs.length), 'the API\'s entries');
  const extension = entries.find((e) => e.action === 'ops.extend');
  assert.ok(extension, JSON.stringify(entries.map((e) => e.action)));
  assert.equal(extension.kind, 'suspense');
  assert.match(extension.label, /Suspense/);
  assert.match(extension.summary, /S-ROUTE/);
  assert.equal(extension.actor, 'operator');
  assert.match(extension.time, /^(\d{4}-\d\d-\d\d)?\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(extension.links, ['suspense:S-ROUTE']);
  const refusal = entries.find((e) => e.kind === 'refused' && /ops\.extend/.test(e.summary));
  assert.ok(refusal, 'the refused extension is on the timeline');
  assert.match(refusal.summary, REFUSAL);
  // The daily briefing the Ops tab links to: the server's HTML, with the
  // suspense figures the board shows (the late SITREP was met, late).
  const brief = await page.evaluate(async () => {
    const a = document.querySelector('[data-testid="ops-briefing-html"]');
    const r = await fetch(a.getAttribute('href'));
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
  });
  assert.equal(brief.status, 200);
  assert.match(brief.type, /text\/html/);
  assert.match(brief.text, /Daily briefing/);
  assert.match(brief.text, /met \(of them late\)<\/th><td[^>]*>1 \(1\)</);
  await page.screenshot({ path: SHOT_TIMELINE });
  console.log(`timeline screenshot: ${SHOT_TIMELINE}`);

  // A task link selects the task on the board.
  const taskEntry = entries.find((e) => e.action === 'ops.task');
  assert.deepEqual(taskEntry.links, ['task:T-1']);
  await page.click(`${tid('timeline-entry')}[data-seq="${taskEntry.seq}"] ${tid('timeline-link')}[data-kind="task"]`);
  await waitFor(page, () => window.__wf.ops.sub === 'desk' && document.querySelector('[data-testid="task-card"][data-id="T-1"]')?.classList.contains('selected'), null, 'the task link');
  // An order link opens the order view on that order.
  await page.click(tid('ops-sub-timeline'));
  const fragEntry = entries.find((e) => e.action === 'ops.order' && e.links[0] === `order:${FRAGORD}`);
  assert.ok(fragEntry, JSON.stringify(entries.filter((e) => e.kind === 'order')));
  await page.click(`${tid('timeline-entry')}[data-seq="${fragEntry.seq}"] ${tid('timeline-link')}[data-id="${FRAGORD}"]`);
  await waitFor(page, (id) => window.__wf.ops.sub === 'orders' && document.querySelector('[data-testid="order-row"].selected')?.dataset.id === id
    && (document.querySelector('[data-testid="order-head"]')?.textContent || '').includes(id), FRAGORD, 'the order link');
  assert.match(await page.locator(tid('order-changes')).innerText(), /3\.a REPLACE/);
  // A suspense link opens its row on the board.
  await page.click(tid('ops-sub-timeline'));
  await page.click(`${tid('timeline-entry')}[data-seq="${extension.seq}"] ${tid('timeline-link')}[data-kind="suspense"]`);
  await waitFor(page, () => window.__wf.ops.sub === 'suspenses' && document.querySelector('[data-testid="suspense-row"].selected')?.dataset.id === 'S-ROUTE'
    && document.querySelector('[data-testid="suspense-details"]')?.dataset.id === 'S-ROUTE', null, 'the suspense link');
  // A unit link pans the map to the unit's SA position.
  await page.click(tid('ops-sub-timeline'));
  await waitFor(page, () => (window.__wf.ops.roster?.units || []).some((u) => u.id === 'MP-CO' && u.position), null, 'the unit\'s fix on the roster', 15000);
  const unitEntry = entries.find((e) => e.action === 'ops.unit');
  await page.click(`${tid('timeline-entry')}[data-seq="${unitEntry.seq}"] ${tid('timeline-link')}[data-kind="unit"]`);
  await waitFor(page, () => {
    const c = window.__wf.map.getCenter();
    return Math.abs(c.lat - 31.412) < 1e-3 && Math.abs(c.lng + 109.071) < 1e-3 && !window.__wf.map.isMoving();
  }, null, 'the map on MP-CO', 8000);
}

const USERS = [
  { name: 'wo', password: 'watch officer pass 1', roles: 'watch_officer' },
  { name: 'clerk', password: 'clerk without a role 1' },
];

/** Logs `page` in through the form as `user` and waits for the live COP. */
async function logIn(page, server, user) {
  await page.goto(server.webUrl, { waitUntil: 'domcontentloaded' });
  const form = page.locator(tid('login-form'));
  await form.waitFor({ state: 'visible', timeout: 10000 });
  await form.locator('[name="username"]').fill(user.name);
  await form.locator('[name="password"]').fill(user.password);
  await page.click(tid('login-submit'));
  await waitLive(page);
}

/** The suspense details' action buttons of `id`, once its row is opened. */
async function actionsOf(page, id) {
  await page.click(tid('tab-ops'));
  await page.click(tid('ops-sub-suspenses'));
  await page.locator(`${tid('suspense-row')}[data-id="${id}"]`).waitFor({ state: 'visible', timeout: 8000 });
  await page.click(`${tid('suspense-row')}[data-id="${id}"]`);
  await page.locator(`${tid('suspense-details')}[data-id="${id}"]`).waitFor({ state: 'visible', timeout: 3000 });
  return page.$$eval(`${tid('suspense-details')} button[data-testid^="suspense-"]`, (bs) => bs.map((b) => b.dataset.testid));
}

copTest('suspense actions follow the caller\'s ops roles', { timeoutMs: 60000, server: { users: USERS } }, async ({ server, browser, page }) => {
  await logIn(page, server, USERS[0]);
  const due = iso(Date.now() - 26 * H);
  const r = await page.evaluate(async (cmd) => {
    const a = await fetch('/api/ops/commands', {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cmd),
    });
    return { status: a.status, body: await a.json() };
  }, { op: 'suspense', suspense: { id: 'S-LOG', owner: 'S4', due, title: 'Class IX status' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(await actionsOf(page, 'S-LOG'), ['suspense-meet', 'suspense-extend', 'suspense-waive']);

  // The clerk, in a browser context of their own: the row and the alert, no actions.
  const other = await newContext(browser);
  try {
    const clerk = await other.newPage();
    await logIn(clerk, server, USERS[1]);
    await clerk.locator(`${tid('suspense-alert')}[data-id="S-LOG"]`).waitFor({ state: 'visible', timeout: 8000 });
    assert.match(await clerk.locator(`${tid('suspense-alert')}[data-id="S-LOG"]`).innerText(), /late 1 d/);
    assert.deepEqual(await actionsOf(clerk, 'S-LOG'), [], 'no Meet, Extend or Waive without a role');
    assert.match(await clerk.locator(tid('suspense-details')).innerText(), /need one of the roles watch_officer, admin, legal/);
    assert.equal(await clerk.evaluate(() => window.__wf.ops.roles.length), 0);
  } finally {
    await other.close();
  }
});
