// Headless chromium: Debian's /usr/bin/chromium launched through playwright-core,
// and browser contexts with the WebSocket spy (ws-spy.js) installed.

import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

const SPY = readFileSync(path.join(import.meta.dirname, 'ws-spy.js'), 'utf8');

/** Debian's chromium; $CHROMIUM overrides. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** The flags the brief fixes; $WF_CHROMIUM_ARGS adds more (e.g. `--use-angle=swiftshader`). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ...(process.env.WF_CHROMIUM_ARGS ? process.env.WF_CHROMIUM_ARGS.split(/\s+/).filter(Boolean) : []),
];

/** Launches headless chromium. */
export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
}

/** A fresh context with the WebSocket spy and a console log file. */
export async function newContext(browser, logPath) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(SPY);
  if (logPath) {
    const log = createWriteStream(logPath);
    context.on('page', (p) => attachConsole(p, log));
    context.on('close', () => log.end());
  }
  return context;
}

function attachConsole(page, log) {
  page.on('console', (m) => log.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => log.write(`[pageerror] ${e.message}\n`));
}
