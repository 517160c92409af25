// Headless chromium (Debian's /usr/bin/chromium through playwright-core) and the
// per-test fixture: a fresh real server, a fresh browser context, pytak peers,
// and a screenshot of every page at the end (pass or fail).

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { launch, newContext } from './chromium.mjs';

export { CHROMIUM, CHROMIUM_ARGS, launch, newContext } from './chromium.mjs';
import { Peer } from './peer.mjs';
import { ARTIFACTS, slug, startServer } from './server.mjs';

/**
 * One browser test against its own server: `fn` gets
 * `{ server, browser, context, page, peer(port, name), newPage() }`.
 * @param {string} name
 * @param {{server?: object, timeoutMs?: number}} opts
 * @param {(env: object) => Promise<void>} fn
 */
export function copTest(name, opts, fn) {
  test(name, { timeout: opts.timeoutMs ?? 60000 }, async (t) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const s = slug(name);
    const started = Date.now();
    const server = await startServer({ name: s, ...(opts.server ?? {}) });
    const browser = await launch();
    const context = await newContext(browser, path.join(ARTIFACTS, `${s}-console.log`));
    const pages = [await context.newPage()];
    const peers = [];
    const env = {
      server, browser, context, page: pages[0],
      async peer(port, peerName) {
        const p = await Peer.start(port, {
          name: peerName, logPath: path.join(ARTIFACTS, `${s}-${slug(peerName ?? 'peer')}.log`),
        });
        peers.push(p);
        return p;
      },
      async newPage() {
        const p = await context.newPage();
        pages.push(p);
        return p;
      },
    };
    try {
      await fn(env);
    } finally {
      for (const [i, p] of pages.entries()) {
        const file = path.join(ARTIFACTS, i === 0 ? `${s}.png` : `${s}-${i + 1}.png`);
        await p.screenshot({ path: file, timeout: 10000 }).catch((e) => t.diagnostic(`screenshot: ${e.message}`));
      }
      await Promise.all(peers.map((p) => p.quit()));
      await context.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.stop();
      t.diagnostic(`${name}: ${Date.now() - started} ms`);
    }
  });
}

/** `[data-testid="id"]`, optionally with more attribute selectors. */
export const tid = (id, more = '') => `[data-testid="${id}"]${more}`;

/** Opens the COP and waits until its feed is live and `window.__wf.ready`. */
export async function openCop(page, server) {
  await page.goto(server.webUrl, { waitUntil: 'domcontentloaded' });
  await waitLive(page);
}

/** Waits for `conn-status` to say live and the page hooks to be ready. */
export async function waitLive(page, timeoutMs = 15000) {
  await page.waitForSelector(tid('conn-status', '[data-state="live"]'), { state: 'attached', timeout: timeoutMs });
  await page.waitForFunction(() => window.__wf && window.__wf.ready === true, null, { timeout: timeoutMs });
}

/** The `/api/web/session` of the page (with its cookie). */
export function session(page) {
  return page.evaluate(async () => (await fetch('/api/web/session', { credentials: 'same-origin' })).json());
}

/** The data-uid of every row of the object list. */
export function rowUids(page) {
  return page.$$eval(tid('object-row'), (rows) => rows.map((r) => r.getAttribute('data-uid')));
}

/** The uids in `window.__wf.objects`. */
export function modelUids(page) {
  return page.evaluate(() => [...window.__wf.objects.keys()]);
}

/** Waits until the object list has a row for every uid in `uids`. */
export async function waitRows(page, uids, timeoutMs = 5000) {
  await page.waitForFunction(
    (want) => {
      const have = new Set([...document.querySelectorAll('[data-testid="object-row"]')].map((r) => r.getAttribute('data-uid')));
      return want.every((u) => have.has(u));
    },
    uids,
    { timeout: timeoutMs, polling: 50 },
  );
}

/**
 * Sets the form field named `name` inside `scope` to `value`, whatever kind it is:
 * a `<select>`, a group of radio buttons, a checkbox or a text input.
 * @param {import('playwright-core').Locator} scope
 */
export async function setField(scope, name, value) {
  const fields = scope.locator(`[name="${name}"]`);
  const first = fields.first();
  await first.waitFor({ state: 'attached', timeout: 3000 });
  const kind = await first.evaluate((el) => `${el.tagName.toLowerCase()}:${el.getAttribute('type') ?? ''}`);
  if (kind.startsWith('select')) await first.selectOption(value);
  else if (kind === 'input:radio') await scope.locator(`[name="${name}"][value="${value}"]`).check();
  else await first.fill(value);
}
