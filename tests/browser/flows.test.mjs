// The analyst's Flows tab against a real server: ten weeks of SIMULATED
// hourly Tucson crossings with a surge in the last six hours (`watchfloor
// flows simulate`) and the real Border Patrol monthly tables FY2000–FY2016
// (`watchfloor flows import`). The sectors are drawn on the map and shaded
// by their counts, the TCA series is charted with its baseline band and the
// surge marked, the watch's alert is listed with its evidence, the official
// series (204 months) stands beside our simulated months, labelled
// SIMULATION; nothing is fetched from anywhere but the server. Then the
// same page with no official series imported (the empty state, then an
// import through the API), and a server with flow counting off.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { copTest, openCop, tid } from './lib/browser.mjs';
import { ARTIFACTS, REPO, serverBinary, until, webJson } from './lib/server.mjs';

/** The screenshot of the whole panel. */
const SHOT = path.join(ARTIFACTS, 'flows-panel.png');
const OFFICIAL = path.join(REPO, 'crates', 'flows', 'testdata', 'official');
const FILES = readdirSync(OFFICIAL)
  .filter((f) => /^usbp_monthly_fy20\d\d\.txt$/.test(f))
  .sort()
  .map((f) => path.join(OFFICIAL, f));

const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-flows-'));
// The watch runs two seconds after the start, so the surge's alert is up
// by the time the page asks for it.
const watchConfig = path.join(dir, 'flows.toml');
writeFileSync(watchConfig, '[flows]\nwatch_secs = 2\n');
const offConfig = path.join(dir, 'flows-off.toml');
writeFileSync(offConfig, '[flows]\nenabled = false\n');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Runs `watchfloor ARGS` and parses what it prints as JSON. */
function cli(args) {
  const r = spawnSync(serverBinary(), args, { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`watchfloor ${args.slice(0, 2).join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function simulate(dataDir) {
  const out = cli(['flows', 'simulate', '--data-dir', dataDir, '--surge-hours', '6']);
  assert.equal(out.simulated, true);
  assert.match(out.source, /SIMULATED/);
}

/** Every request the page makes, so the test can say none left the host. */
function recordRequests(page) {
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  return urls;
}

function assertLocal(urls, server) {
  const away = urls.filter((u) => !u.startsWith(server.webUrl) && !/^(data|blob):/.test(u));
  assert.deepEqual(away, [], 'the page fetched from outside its own server');
}

/** Opens the Flows tab and waits for its first full refresh. */
async function openFlows(page) {
  await page.click(tid('tab-flows'));
  await page.waitForSelector(tid('flows-view'), { state: 'visible', timeout: 5000 });
  await page.waitForFunction(() => window.__wf.flows.refreshes >= 1, null, { timeout: 15000 });
}

/** The rendered features of the sector layer, once the map has drawn them. */
function renderedSectors(page) {
  return page.evaluate(() => {
    const m = window.__wf.map;
    if (!m.getLayer('flows-sectors') || m.getLayoutProperty('flows-sectors', 'visibility') !== 'visible') return null;
    const seen = {};
    for (const f of m.queryRenderedFeatures({ layers: ['flows-sectors'] })) seen[f.properties.code] = f.properties;
    return seen;
  });
}

copTest(
  'flows panel: sectors shaded, series with band and anomalies, alerts with evidence, official beside ours',
  {
    server: {
      prepare(dataDir) {
        simulate(dataDir);
        const imported = cli(['flows', 'import', '--data-dir', dataDir, ...FILES]);
        assert.equal(imported.files.length, FILES.length);
      },
      extraArgs: ['--config', watchConfig],
    },
    timeoutMs: 45000,
  },
  async ({ server, page }) => {
    assert.equal(FILES.length, 17, 'the FY2000–FY2016 tables are in the repository');
    // The surge's alert, from the API, before the page looks.
    const seasonal = (a) => a.sector === 'TCA' && a.method === 'seasonal';
    await until(async () => (await webJson(server, '/api/flows/alerts')).alerts.some(seasonal), {
      timeoutMs: 15000, everyMs: 250, what: 'the watch to raise the seasonal TCA alert',
    });
    const urls = recordRequests(page);
    await page.setViewportSize({ width: 1440, height: 1400 });
    await openCop(page, server);
    await openFlows(page);
    assert.equal(await page.evaluate(() => window.__wf.flows.state), 'live');

    // The map: every sector drawn, TCA (the only one with crossings, so the
    // busiest and the default) shaded apart from the rest.
    const drawn = await until(async () => {
      const seen = await renderedSectors(page);
      return seen && seen.TCA && Object.keys(seen).length >= 5 ? seen : null;
    }, { timeoutMs: 10000, what: 'the sector lines on the map' });
    // The whole border is in view, San Diego to Brownsville.
    const [[west, south], [east, north]] = await page.evaluate(() => window.__wf.map.getBounds().toArray());
    assert.ok(west < -117 && east > -97.2 && south < 26 && north > 32.7, `map bounds ${[west, south, east, north]}`);
    assert.ok(drawn.TCA.count > 0, 'TCA has crossings in the window');
    assert.notEqual(drawn.TCA.colour, drawn.SDC?.colour ?? drawn.EPT.colour, 'TCA is shaded apart from the empty sectors');
    assert.ok(drawn.TCA.width > (drawn.EPT?.width ?? 0));
    const tca = page.locator(tid('flows-sector-row', '[data-code="TCA"]'));
    assert.ok(Number(await tca.getAttribute('data-count')) > 0);
    assert.match((await tca.getAttribute('class')) ?? '', /selected/);
    assert.equal(await page.locator(tid('flows-sector')).inputValue(), 'TCA');
    assert.match(await page.locator(tid('flows-note')).innerText(), /approximate/);
    assert.ok(await page.locator(tid('flows-legend-sim')).isVisible(), 'the shaded counts are labelled SIMULATION');
    assert.ok(await page.locator(tid('flows-map-sim')).isVisible(), 'on the map too');
    assert.equal(await page.locator(tid('flows-map-key')).getAttribute('data-max'), String(drawn.TCA.count));

    // The series: drawn, with its band and the surge marked.
    const chart = page.locator(tid('flows-chart'));
    await chart.locator('canvas').first().waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await chart.getAttribute('data-sector'), 'TCA');
    assert.equal(await chart.getAttribute('data-band'), 'yes');
    assert.ok(Number(await chart.getAttribute('data-bins')) >= 160, 'a week of hourly bins');
    assert.ok(Number(await chart.getAttribute('data-anomalies')) >= 1, 'the surge is marked');
    const anomalies = await page.locator(tid('flows-anomaly')).allInnerTexts();
    assert.ok(anomalies.some((t) => /seasonal ABOVE/.test(t) && /observed .* vs expected/.test(t)), anomalies.join('\n'));
    assert.ok(await page.locator(tid('flows-series-sim')).isVisible(), 'the simulated series is labelled SIMULATION');
    const prov = await page.locator(tid('flows-provenance')).innerText();
    assert.match(prov, /Coverage: [\d,]+ of [\d,]+ h in the window/);
    assert.match(prov, /gaps?/);
    assert.match(prov, /SIMULATED history/);

    // The alert with its evidence (the other methods may have raised theirs
    // on the same surge too: the seasonal one carries a p-value).
    const alert = page.locator(tid('flows-alert', '[data-sector="TCA"][data-method="seasonal"]')).first();
    await alert.waitFor({ state: 'visible', timeout: 5000 });
    const evidence = await alert.locator(tid('flows-alert-evidence')).innerText();
    assert.match(evidence, /seasonal ABOVE/);
    assert.match(evidence, /observed [\d.]+\/h vs expected [\d.]+\/h/);
    assert.match(evidence, /p = [\d.e-]+ < 1\.0e-6/);
    assert.match(await alert.locator(tid('flows-alert-text')).innerText(), /FLOWS ALERT TCA/);
    assert.ok(await page.locator(tid('flows-alerts-sim')).isVisible());

    // The official series beside ours.
    const monthly = page.locator(tid('flows-monthly'));
    await monthly.locator('canvas').first().waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await monthly.getAttribute('data-official-months'), '204');
    assert.ok(Number(await monthly.getAttribute('data-ours-months')) >= 1);
    assert.match(await page.locator(tid('flows-official-source')).innerText(), /USBP TCA .*1999-10 to 2016-09: 204 months/);
    const ours = page.locator(tid('flows-ours-source'));
    assert.match(await ours.innerText(), /SIMULATED history/);
    assert.equal(await page.locator(tid('flows-ours-sim')).innerText(), 'SIMULATION');
    assert.ok(await page.locator(tid('flows-official-empty')).isHidden());

    await page.screenshot({ path: SHOT });

    // Picking the alert shows its sector and window, the alert outlined.
    const before = await page.evaluate(() => window.__wf.flows.refreshes);
    await alert.click();
    await page.waitForFunction((n) => window.__wf.flows.refreshes > n, before, { timeout: 10000 });
    assert.equal(await page.locator(tid('flows-window')).inputValue(), 'alert');
    const picked = await page.evaluate(() => ({ id: window.__wf.flows.picked, series: window.__wf.flows.series, window: window.__wf.flows.window }));
    const a = (await webJson(server, '/api/flows/alerts')).alerts.find((x) => x.id === picked.id);
    assert.ok(a, 'the picked alert is one the server raised');
    assert.ok(Date.parse(picked.window.from) < Date.parse(a.from) && Date.parse(picked.window.to) >= Date.parse(a.to) - 3600e3);
    assert.ok(
      picked.series.anomalies.some((x) => Date.parse(x.from) < Date.parse(a.to) && Date.parse(x.to) > Date.parse(a.from)),
      'the chart marks an anomaly over the alert window',
    );
    assert.match(await page.locator(tid('flows-alert', '.selected')).getAttribute('data-id'), /TCA/);

    // Back on the picture the layer steps aside.
    await page.click(tid('tab-picture'));
    await page.waitForSelector(tid('flows-view'), { state: 'hidden', timeout: 3000 });
    assert.equal(await page.evaluate(() => window.__wf.map.getLayoutProperty('flows-sectors', 'visibility')), 'none');
    assert.ok(await page.locator(tid('flows-map-key')).isHidden());
    assertLocal(urls, server);
  },
);

copTest(
  'flows panel without official series: the empty state, then an import through the API',
  { server: { prepare: simulate }, timeoutMs: 40000 },
  async ({ server, page }) => {
    await openCop(page, server);
    await openFlows(page);
    const empty = page.locator(tid('flows-official-empty'));
    await empty.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await empty.innerText(), /No official series for USBP TCA/);
    assert.equal(await page.locator(tid('flows-monthly')).getAttribute('data-official-months'), '0');
    assert.ok(Number(await page.locator(tid('flows-monthly')).getAttribute('data-ours-months')) >= 1, 'ours still drawn');
    await page.screenshot({ path: path.join(ARTIFACTS, 'flows-panel-no-official.png') });
    // The rest of the panel is unharmed and still answers.
    await page.locator(tid('flows-chart')).locator('canvas').first().waitFor({ state: 'visible', timeout: 5000 });
    const before = await page.evaluate(() => window.__wf.flows.refreshes);
    await page.selectOption(tid('flows-window'), '24h');
    await page.waitForFunction((n) => window.__wf.flows.refreshes > n, before, { timeout: 10000 });
    const bins = Number(await page.locator(tid('flows-chart')).getAttribute('data-bins'));
    assert.ok(bins >= 24 && bins <= 26, `a day of hours, not ${bins}`);

    // An admin imports one year; the next refresh shows it.
    const file = FILES.find((f) => f.endsWith('fy2016.txt'));
    const r = await fetch(`${server.webUrl}/api/flows/official?name=usbp_monthly_fy2016.txt`, {
      method: 'POST', body: readFileSync(file), signal: AbortSignal.timeout(10000),
    });
    assert.equal(r.status, 200, await r.text());
    await page.click(tid('flows-refresh'));
    await page.waitForFunction(
      () => document.querySelector('[data-testid="flows-monthly"]').dataset.officialMonths === '12', null, { timeout: 10000 },
    );
    assert.ok(await empty.isHidden());
    assert.match(await page.locator(tid('flows-official-source')).innerText(), /2015-10 to 2016-09: 12 months/);
  },
);

copTest(
  'flows panel with flow counting off says so and leaves the COP usable',
  { server: { extraArgs: ['--config', offConfig] }, timeoutMs: 30000 },
  async ({ server, page }) => {
    const r = await fetch(`${server.webUrl}/api/flows/sectors`);
    assert.equal(r.status, 503);
    assert.equal((await r.json()).error.code, 'no_flows');
    await openCop(page, server);
    await openFlows(page);
    const state = page.locator(tid('flows-state'));
    await state.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await state.getAttribute('data-state'), 'off');
    assert.match(await state.innerText(), /Flow counting is off on this server/);
    assert.ok(await page.locator(tid('flows-body')).isHidden());
    await page.screenshot({ path: path.join(ARTIFACTS, 'flows-panel-off.png') });
    await page.click(tid('tab-ops'));
    await page.waitForSelector(tid('ops-view'), { state: 'visible', timeout: 3000 });
    assert.ok(await page.locator(tid('flows-view')).isHidden());
  },
);
