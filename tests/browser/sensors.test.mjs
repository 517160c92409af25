// The sensor layer: the configured sensors' sites and coverage rings on the
// map and in the sensors list with their status in words; a sensor that stops
// sending turns silent with an alert, and a notice when it speaks again. A
// sensor never heard from is listed as silent, never alerted.

import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { copTest, tid } from './lib/browser.mjs';
import { REPO } from './lib/server.mjs';

/** Where the screenshot of the sensor layer goes (cited by the closing note of issue 10). */
const SHOT = path.join(REPO, 'test-artifacts', 'browser', 'sensor-layer.png');

/** A UDP port the kernel just handed out on 127.0.0.1. */
function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.on('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-sensors-'));
const udpPort = await freeUdpPort();
const configPath = path.join(dir, 'sensors.toml');
// A camera every 0.5 s and a radar that never sends; silent after
// max(5 periods, 1.5 s) so the test is quick.
writeFileSync(configPath, `
[web]
zoom = 10

[sensors]
silent_min_s = 1.5

[sensors.feeds]
origin = { lat = 31.33, lon = -109.2 }

[[sensors.feeds.sensors]]
id = "cam-north"
kind = "detections"
period_s = 0.25
site = { lat = 31.38, lon = -109.12 }
coverage = { max_range_m = 6000 }

[[sensors.feeds.sensors]]
id = "radar-west"
kind = "asterix"
site = { lat = 31.30, lon = -109.32 }
coverage = { min_range_m = 1500, max_range_m = 16000 }

[[sensors.inputs]]
sensor = "cam-north"
udp = "127.0.0.1:${udpPort}"
`);

/** Sends a detection line from the camera every 200 ms until stopped. */
function startCamera() {
  const sock = dgram.createSocket('udp4');
  const send = () => {
    const line = JSON.stringify({ sensor: 'cam-north', time: Date.now() / 1000, lat: 31.395, lon: -109.09, sigma_m: 5 });
    sock.send(line, udpPort, '127.0.0.1');
  };
  send();
  const timer = setInterval(send, 200);
  return () => {
    clearInterval(timer);
    sock.close();
  };
}

/** The row of sensor `id`: its status attribute and its text. */
function row(page, id) {
  return page.evaluate((i) => {
    const r = document.querySelector(`[data-testid="sensor-row"][data-id="${i}"]`);
    return r ? { status: r.dataset.status, text: r.innerText } : null;
  }, id);
}

const waitStatus = (page, id, status, timeout = 8000) => page.waitForSelector(
  `${tid('sensor-row')}[data-id="${id}"][data-status="${status}"]`, { state: 'attached', timeout },
);

copTest('sensor layer shows the sensors, their status and a silent alert', {
  timeoutMs: 60000,
  server: { extraArgs: ['--config', configPath] },
}, async ({ server, page }) => {
  let stopCamera = startCamera();
  try {
    await page.goto(server.webUrl, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.__wf && window.__wf.ready === true, null, { timeout: 15000 });

    // Both sensors listed; the camera reports, the radar was never heard from.
    await waitStatus(page, 'cam-north', 'reporting');
    const cam = await row(page, 'cam-north');
    assert.match(cam.text, /REPORTING/, `status in words: ${cam.text}`);
    assert.match(cam.text, /last \d+ s ago/, cam.text);
    assert.match(cam.text, /\d+\.\d\/s/, `a rate: ${cam.text}`);
    const radar = await row(page, 'radar-west');
    assert.equal(radar.status, 'silent');
    assert.match(radar.text, /SILENT/);
    assert.match(radar.text, /never heard/);
    assert.equal(await page.locator(tid('alert')).count(), 0, 'no alert for a sensor never heard from');

    // On the map: a site symbol and a coverage ring for each, shown by default.
    const drawn = () => page.evaluate(() => {
      const m = window.__wf.map;
      const ids = (layer) => [...new Set(m.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties.id))].sort();
      return {
        sites: ids('sensor-sites'),
        rings: [...new Set(m.querySourceFeatures('sensor-coverage').map((f) => f.properties.id))].sort(),
        visible: m.getLayoutProperty('sensor-sites', 'visibility'),
      };
    });
    await page.waitForFunction(() => window.__wf.map.queryRenderedFeatures({ layers: ['sensor-sites'] }).length >= 2, null, { timeout: 5000 });
    assert.deepEqual(await drawn(), { sites: ['cam-north', 'radar-west'], rings: ['cam-north', 'radar-west'], visible: 'visible' });

    // The layer hides and shows again, from the layer panel.
    await page.click(tid('layers-button'));
    await page.click(tid('sensor-layer-toggle'));
    await page.waitForFunction(() => window.__wf.map.getLayoutProperty('sensor-coverage-fill', 'visibility') === 'none', null, { timeout: 3000 });
    assert.equal(await page.evaluate(() => window.__wf.map.getLayoutProperty('sensor-sites', 'visibility')), 'none');
    await page.click(tid('sensor-layer-toggle'));
    await page.waitForFunction(() => window.__wf.map.getLayoutProperty('sensor-sites', 'visibility') === 'visible', null, { timeout: 3000 });

    // The camera stops: silent, and an alert naming it.
    stopCamera();
    stopCamera = () => {};
    await waitStatus(page, 'cam-north', 'silent', 10000);
    const alert = page.locator(`${tid('alert-banner')} ${tid('alert')}[data-uid="watchfloor-sensor-silent-cam-north"]`);
    await alert.waitFor({ state: 'visible', timeout: 5000 });
    const text = await alert.innerText();
    assert.match(text, /sensor silent/i, text);
    assert.match(text, /cam-north/, text);
    assert.equal(await page.locator(tid('alert')).count(), 1, 'one alert: none for the radar never heard from');
    assert.match((await row(page, 'cam-north')).text, /SILENT/);
    await page.waitForFunction(
      () => window.__wf.map.querySourceFeatures('sensor-sites').some((f) => f.properties.id === 'cam-north' && f.properties.status === 'silent'),
      null, { timeout: 3000 },
    );
    mkdirSync(path.dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT });
    console.log(`sensor layer screenshot: ${SHOT}`);

    // It speaks again: reporting, the alert goes, a notice says so.
    stopCamera = startCamera();
    await waitStatus(page, 'cam-north', 'reporting', 8000);
    const notice = page.locator(tid('notice'));
    await notice.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await notice.innerText(), /cam-north reporting again/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="alert"]').length === 0, null, { timeout: 5000 });
  } finally {
    stopCamera();
    rmSync(dir, { recursive: true, force: true });
  }
});
