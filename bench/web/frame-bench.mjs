// Web COP frame-time benchmark.
//
// Starts `watchfloor serve --web` (release), measures K headless chromium pages
// (K = 1, then 4) with an empty picture (baseline), then with `wf-loadgen objects`
// relaying N objects at 1 Hz: frame times in each page from a requestAnimationFrame
// loop while the map is panned and zoomed every couple of seconds, WebSocket bytes
// and frames received per page, the server's CPU % and RSS (with 0, 1 and K pages),
// and its `watchfloor_web_*` metrics. Prints a Markdown table and writes it to
// bench/web/results.md (or $OUT/results.md).
//
// Usage: node bench/web/frame-bench.mjs   (bench/web/run.sh builds first)
// Knobs (environment): OBJECTS=10000 RATE=1 MEASURE_S=30 BASELINE_S=15 PAGES="1 4"
//   SERVER=target/release/watchfloor LOADGEN=target/release/wf-loadgen OUT=bench/web

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { launch, newContext } from '../../tests/browser/lib/chromium.mjs';
import { REPO, metrics, sleep, startServer, until } from '../../tests/browser/lib/server.mjs';

const env = process.env;
const OBJECTS = Number(env.OBJECTS ?? 10000);
const RATE = Number(env.RATE ?? 1);
const MEASURE_S = Number(env.MEASURE_S ?? 30);
const GEN_CONNECTIONS = Number(env.GEN_CONNECTIONS ?? 4);
const BASELINE_S = Number(env.BASELINE_S ?? 15);
const IDLE_S = Number(env.IDLE_S ?? 8);
const PAGES = (env.PAGES ?? '1 4').split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
const SERVER = env.SERVER ?? path.join(REPO, 'target', 'release', 'watchfloor');
const LOADGEN = env.LOADGEN ?? path.join(REPO, 'target', 'release', 'wf-loadgen');
const OUT = env.OUT ?? path.join(REPO, 'bench', 'web');
const LOGS = env.LOGS ?? path.join(REPO, 'test-artifacts', 'bench-web');
// Every step has a bound; the whole run ends by this deadline whatever happens.
const HARD_LIMIT_MS = Number(env.HARD_LIMIT_S ?? 540) * 1000;
// MAP=full: the page as a watch floor runs it, with an offline raster basemap
// (a generated checkerboard archive, TEST DATA, to zoom 8) and the MGRS grid
// on; MAP=plain (the default): outlines only, grid off.
const MAP = env.MAP ?? 'plain';
// Clock ticks per second of /proc/<pid>/stat times (USER_HZ).
const TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

mkdirSync(LOGS, { recursive: true });
mkdirSync(OUT, { recursive: true });
const killer = setTimeout(() => {
  console.error(`frame-bench: over ${HARD_LIMIT_MS / 1000} s, giving up`);
  process.exit(3);
}, HARD_LIMIT_MS);
killer.unref();

/** utime + stime of a process, seconds. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_S;
}

/** Resident set of a process, MiB. */
function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

// In the page: a rAF loop that records frame intervals, and a timer that pans or
// zooms the map every `everyMs` (alternating), both stopped by __bench.stop().
function startRecorder({ everyMs }) {
  const b = { times: [], stop: null, moves: 0 };
  let last = 0;
  let running = true;
  const tick = (t) => {
    if (!running) return;
    if (last) b.times.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const map = window.__wf.map;
  const zooms = [9, 10, 8, 9];
  const pans = [[300, 0], [0, 200], [-300, 0], [0, -200]];
  const timer = setInterval(() => {
    const n = b.moves++;
    if (n % 2 === 0) map.panBy(pans[(n / 2) % 4], { duration: 600 });
    else map.zoomTo(zooms[((n - 1) / 2) % 4], { duration: 600 });
  }, everyMs);
  b.spy0 = { frames: window.__wsSpy.frames, bytes: window.__wsSpy.bytes, t: performance.now() };
  b.stop = () => {
    running = false;
    clearInterval(timer);
    const s = window.__wsSpy;
    const dt = (performance.now() - b.spy0.t) / 1000;
    return {
      times: b.times,
      moves: b.moves,
      wsFramesPerS: (s.frames - b.spy0.frames) / dt,
      wsBytesPerS: (s.bytes - b.spy0.bytes) / dt,
      objects: window.__wf.objects.size,
    };
  };
  window.__bench = b;
}

/** Records `seconds` on every page at once while sampling the server. */
async function measure(pages, serverPid, seconds) {
  await Promise.all(pages.map((p) => p.evaluate(startRecorder, { everyMs: 2000 })));
  const cpu0 = cpuSeconds(serverPid);
  const t0 = Date.now();
  let rssMax = 0;
  const end = t0 + seconds * 1000;
  while (Date.now() < end) {
    rssMax = Math.max(rssMax, rssMiB(serverPid));
    await sleep(Math.min(1000, end - Date.now()));
  }
  const cpuPct = ((cpuSeconds(serverPid) - cpu0) / ((Date.now() - t0) / 1000)) * 100;
  const per = await Promise.all(pages.map((p) => p.evaluate(() => window.__bench.stop())));
  const times = per.flatMap((r) => r.times).sort((a, b) => a - b);
  const avg = (f) => (per.length ? per.reduce((s, r) => s + f(r), 0) / per.length : NaN);
  return {
    browsers: pages.length,
    frames: times.length,
    median: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    fps: per.length ? times.length / per.length / seconds : NaN,
    wsKiBps: avg((r) => r.wsBytesPerS) / 1024,
    wsFps: avg((r) => r.wsFramesPerS),
    objects: per.length ? Math.min(...per.map((r) => r.objects)) : NaN,
    cpuPct,
    rssMiB: Math.max(rssMax, rssMiB(serverPid)),
  };
}

/** Server only, no page: CPU and RSS over `seconds`. */
async function measureIdle(serverPid, seconds) {
  return measure([], serverPid, seconds);
}

/**
 * Opens `n` more pages (each its own context: a separate browser session) at once and
 * waits until each is live and ready. Returns the seconds the slowest took.
 */
async function openPages(browser, server, n, contexts, pages, timeoutMs = 90000) {
  const t0 = Date.now();
  const opened = await Promise.all(Array.from({ length: n }, async () => {
    const ctx = await newContext(browser, path.join(LOGS, `page-${contexts.length + 1}-console.log`));
    if (MAP === 'full') {
      // The layer panel's stored choice: grid on (the archive is the default base map).
      await ctx.addInitScript(() => window.localStorage.setItem('watchfloor.layers.v1.local', JSON.stringify({ on: { grid: true } })));
    }
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(server.webUrl, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid="conn-status"][data-state="live"]', { state: 'attached', timeout: timeoutMs });
    await page.waitForFunction(() => window.__wf && window.__wf.ready === true, null, { timeout: timeoutMs });
    return page;
  }));
  pages.push(...opened);
  return (Date.now() - t0) / 1000;
}

/**
 * Waits (at most `timeoutMs`) until every page holds at least `want` objects.
 * Returns the text for the report: seconds taken, or how far it got.
 */
async function waitFilled(pages, want, timeoutMs = 60000) {
  const t0 = Date.now();
  try {
    await Promise.all(pages.map((p) => p.waitForFunction((n) => window.__wf.objects.size >= n, want, {
      timeout: timeoutMs, polling: 250,
    })));
    return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  } catch {
    const got = await Promise.all(pages.map((p) => p.evaluate(() => window.__wf.objects.size).catch(() => NaN)));
    return `not within ${timeoutMs / 1000} s (pages held ${got.join(', ')})`;
  }
}

/** The server's basemap flag for MAP=full (the archive made here). */
function mapArgs() {
  if (MAP !== 'full') return [];
  mkdirSync(LOGS, { recursive: true });
  const archive = path.join(LOGS, 'checker.mbtiles');
  rmSync(archive, { force: true });
  execFileSync('python3', [path.join(REPO, 'tests', 'browser', 'lib', 'make_mbtiles.py'), archive, '8']);
  return ['--basemap', archive];
}

const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');

async function main() {
  const started = Date.now();
  const server = await startServer({
    name: 'frame-bench',
    binary: SERVER,
    // No per-connection rate limit: 4 connections carry OBJECTS * RATE events a second.
    extraArgs: ['--client-rate', '0', ...mapArgs()],
    logPath: path.join(LOGS, 'server.log'),
    env: { RUST_LOG: env.RUST_LOG ?? 'warn' },
  });
  const pid = server.proc.pid;
  const rows = [];
  let gen = null;
  const browser = await launch();
  const contexts = [];
  const pages = [];
  try {
    // Baseline: empty picture.
    rows.push({ scenario: 'empty picture', ...(await measureIdle(pid, IDLE_S)) });
    for (const k of PAGES) {
      await openPages(browser, server, k - pages.length, contexts, pages);
      rows.push({ scenario: 'empty picture', ...(await measure(pages, pid, BASELINE_S)) });
    }
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    pages.length = 0;

    // Load: the generator runs for the rest of the bench (bounded by its own duration).
    const genSeconds = Math.ceil(IDLE_S + PAGES.length * (MEASURE_S + 160) + 30);
    gen = spawn(LOADGEN, ['objects', '--addr', `127.0.0.1:${server.tcp}`, '--objects', String(OBJECTS),
      '--rate-hz', String(RATE), '--connections', String(GEN_CONNECTIONS), '--duration-s', String(Math.min(600, genSeconds)), '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    let genOut = '';
    gen.stdout.on('data', (d) => { genOut += d; });
    gen.stderr.on('data', (d) => { genOut += d; });
    const genDone = new Promise((r) => gen.on('exit', r));
    // One full period plus a margin, so that every object exists before measuring.
    await sleep((1 / RATE) * 1000 + 2000);
    rows.push({ scenario: `${OBJECTS} objects @ ${RATE} Hz`, ...(await measureIdle(pid, IDLE_S)) });
    const fills = [];
    for (const k of PAGES) {
      const before = pages.length;
      let ready;
      try {
        ready = await openPages(browser, server, k - pages.length, contexts, pages);
      } catch (e) {
        fills.push(`${k} pages: not ready within 90 s (${e.message.split('\n')[0]})`);
        break;
      }
      const fill = await waitFilled(pages.slice(before), Math.floor(OBJECTS * 0.99));
      fills.push(`${k} pages: ready (live, \`__wf.ready\`) after ${ready.toFixed(1)} s, 99 % of the picture ${fill} later`);
      rows.push({ scenario: `${OBJECTS} objects @ ${RATE} Hz`, ...(await measure(pages, pid, MEASURE_S)) });
    }
    const m = await metrics(server);
    gen.kill('SIGINT'); // the generator stops and prints its report
    await Promise.race([genDone, sleep(5000)]);
    if (gen.exitCode === null) gen.kill('SIGKILL');

    const web = Object.entries(m).filter(([k]) => k.startsWith('watchfloor_web_'));
    const table = [
      `| picture | browsers | frame median (ms) | frame p95 (ms) | rAF fps/page | WS KiB/s per browser | WS frames/s per browser | objects in page | server CPU % | server RSS (MiB) |`,
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.scenario} | ${r.browsers} | ${fmt(r.median)} | ${fmt(r.p95)} | ${fmt(r.fps, 0)} | ${fmt(r.wsKiBps)} | ${fmt(r.wsFps)} | ${r.browsers ? r.objects : '–'} | ${fmt(r.cpuPct, 0)} | ${fmt(r.rssMiB, 0)} |`),
    ];
    const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const text = [
      `# Web COP frame-time benchmark`,
      '',
      `Run ${when} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), headless chromium ` +
        `(SwiftShader WebGL), release server, \`wf-loadgen objects --objects ${OBJECTS} --rate-hz ${RATE}\` ` +
        `over ${GEN_CONNECTIONS} TCP connections (the server routes each update to the other connections too). Frame times: requestAnimationFrame intervals pooled over all pages during ` +
        `${MEASURE_S} s (empty picture: ${BASELINE_S} s; server only: ${IDLE_S} s) while each map pans or ` +
        `zooms every 2 s; map ${MAP === 'full' ? 'full (raster basemap archive, MGRS grid on, place names and counties)' : 'plain (outlines, place names and counties; no basemap, grid off)'}. WebSocket sizes are characters of JSON text. Server, generator and browsers share the machine.`,
      '',
      ...table,
      '',
      `Opening pages under load: ${fills.join('; ')}.`,
      '',
      'Server web metrics at the end:',
      '',
      '```',
      ...(web.length ? web.map(([k, v]) => `${k} ${v}`) : ['(none named watchfloor_web_*)']),
      '```',
      '',
      `Generator: \`${genOut.trim().split('\n').pop() ?? ''}\``,
      '',
      `Command: \`bash bench/web/run.sh\` (${Math.round((Date.now() - started) / 1000)} s without the build).`,
      '',
    ].join('\n');
    console.log(text);
    writeFileSync(path.join(OUT, 'results.md'), text);
  } finally {
    if (gen && gen.exitCode === null) gen.kill('SIGKILL');
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await browser.close().catch(() => {});
    await server.stop();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`frame-bench: ${e.stack ?? e}`);
  process.exit(1);
});
