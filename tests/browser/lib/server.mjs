// Starts and stops a real `watchfloor serve` (or `watchfloor demo`) with the web COP on
// free loopback ports.
//
// Every server gets its own data folder (a fresh temp dir; a demo may be given one
// to restart on), its own ports and a log file; `stop()` kills it (SIGTERM, then
// SIGKILL after 3 s) and removes the temp data folder.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The repository root (tests/browser/lib/../../..). */
export const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
/** Where screenshots and server logs go. */
export const ARTIFACTS = path.join(REPO, 'test-artifacts', 'browser');

/** Cargo's target folder, as cargo says (CARGO_TARGET_DIR or a cargo config may move it). */
function cargoTargetDir() {
  const r = spawnSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  try {
    return JSON.parse(r.stdout).target_directory;
  } catch {
    return path.join(REPO, 'target');
  }
}

/** The binary under test: $WATCHFLOOR_BIN or cargo's debug/watchfloor. */
export function serverBinary() {
  return process.env.WATCHFLOOR_BIN || path.join(cargoTargetDir(), 'debug', 'watchfloor');
}

/** A TCP port the kernel just handed out on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it returns a truthy value; throws after `timeoutMs`. */
export async function until(fn, { timeoutMs = 5000, everyMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await sleep(everyMs);
  }
}

/** A file-name-safe form of a test name. */
export function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/**
 * Adds users with `watchfloor users add NAME --password-stdin --groups G [--roles R] --data-dir D`.
 * @param {string} dataDir
 * @param {{name: string, password: string, groups?: string, roles?: string}[]} users
 */
export function addUsers(dataDir, users) {
  for (const u of users) {
    const r = spawnSync(
      serverBinary(),
      ['users', 'add', u.name, '--password-stdin', '--groups', u.groups ?? '', ...(u.roles ? ['--roles', u.roles] : []), '--data-dir', dataDir],
      { input: `${u.password}\n`, encoding: 'utf8', timeout: 20000 },
    );
    if (r.status !== 0) {
      throw new Error(`watchfloor users add ${u.name} failed (${r.status}): ${r.stderr}`);
    }
  }
}

/**
 * A running server.
 * @typedef {object} Server
 * @property {number} tcp     plain TCP port (anonymous group)
 * @property {Record<string, number>} groupTcp  TCP port per group listener (`--tcp ADDR#group`)
 * @property {number} http    /metrics and /healthz
 * @property {number} web     the web COP
 * @property {string} webUrl  http://127.0.0.1:<web>
 * @property {string} httpUrl http://127.0.0.1:<http>
 * @property {string} dataDir
 * @property {string} logPath
 * @property {import('node:child_process').ChildProcess} proc
 * @property {() => Promise<void>} stop
 * @property {() => boolean} alive
 */

/**
 * Starts `watchfloor serve --tcp .. --http .. --web .. --data-dir ..` and waits until
 * `/healthz` and `GET /api/web/session` answer.
 * `prepare(dataDir)`, when given, runs on the fresh data folder before the server
 * starts (to write counts or imports the server reads at start).
 * @param {{name: string, groups?: string[], users?: {name: string, password: string, groups?: string, roles?: string}[],
 *          extraArgs?: string[], binary?: string, env?: Record<string,string>, timeoutMs?: number,
 *          logPath?: string, prepare?: (dataDir: string) => (void | Promise<void>)}} opts
 * @returns {Promise<Server>}
 */
export async function startServer(opts) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wf-browser-'));
  if (opts.users?.length) addUsers(dataDir, opts.users);
  if (opts.prepare) {
    try {
      await opts.prepare(dataDir);
    } catch (e) {
      rmSync(dataDir, { recursive: true, force: true });
      throw e;
    }
  }
  const tcp = await freePort();
  const http = await freePort();
  const web = await freePort();
  const groupTcp = {};
  const args = ['serve', '--tcp', `127.0.0.1:${tcp}`];
  for (const g of opts.groups ?? []) {
    groupTcp[g] = await freePort();
    args.push('--tcp', `127.0.0.1:${groupTcp[g]}#${g}`);
  }
  args.push('--http', `127.0.0.1:${http}`, '--web', `127.0.0.1:${web}`, '--data-dir', dataDir);
  args.push(...(opts.extraArgs ?? []));
  return run(opts, args, { tcp, groupTcp, http, web, dataDir, removeDataDir: true });
}

/**
 * Starts `watchfloor demo --tcp .. --http .. --web .. --data-dir .. --duration S` (the
 * server with the simulated sensors, task force and ops desk, all SIMULATION) and waits
 * as `startServer` does. With `dataDir` it runs on that folder and leaves it for the
 * caller (a restart on the same desk); without, on a fresh temp folder that `stop()`
 * removes. `durationS` (default 300) is a backstop: the demo stops itself then.
 * @param {{name: string, dataDir?: string, durationS?: number, seed?: number, binary?: string,
 *          env?: Record<string,string>, timeoutMs?: number, logPath?: string}} opts
 * @returns {Promise<Server>}
 */
export async function startDemo(opts) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'wf-demo-'));
  const tcp = await freePort();
  const http = await freePort();
  const web = await freePort();
  const args = [
    'demo', '--tcp', `127.0.0.1:${tcp}`, '--http', `127.0.0.1:${http}`, '--web', `127.0.0.1:${web}`,
    '--data-dir', dataDir, '--duration', String(opts.durationS ?? 300),
  ];
  if (opts.seed !== undefined) args.push('--seed', String(opts.seed));
  return run(opts, args, { tcp, groupTcp: {}, http, web, dataDir, removeDataDir: opts.dataDir === undefined });
}

/**
 * Spawns the binary with `args` on the given ports and folder, logs to `opts.logPath`
 * (default `<name>-server.log` in ARTIFACTS) and waits until `/healthz` and
 * `GET /api/web/session` answer; `stop()` removes the folder when `removeDataDir`.
 */
async function run(opts, args, { tcp, groupTcp, http, web, dataDir, removeDataDir }) {
  const binary = opts.binary ?? serverBinary();
  const logPath = opts.logPath ?? path.join(ARTIFACTS, `${slug(opts.name)}-server.log`);
  const log = createWriteStream(logPath);
  log.write(`$ ${binary} ${args.join(' ')}\n`);
  const proc = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info', ...(opts.env ?? {}) },
  });
  proc.stdout.pipe(log, { end: false });
  proc.stderr.pipe(log, { end: false });
  let exited = null;
  const exitedP = new Promise((resolve) => proc.on('exit', (code, sig) => {
    exited = { code, sig };
    resolve(exited);
  }));
  const server = {
    tcp, groupTcp, http, web, dataDir, logPath, proc,
    webUrl: `http://127.0.0.1:${web}`,
    httpUrl: `http://127.0.0.1:${http}`,
    alive: () => exited === null,
    async stop() {
      if (exited === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => { if (exited === null) proc.kill('SIGKILL'); }, 3000);
        await exitedP;
        clearTimeout(t);
      }
      log.end(`\n[exit ${JSON.stringify(exited)}]\n`);
      if (removeDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await until(async () => {
      if (exited !== null) throw new Error(`server exited early ${JSON.stringify(exited)}; see ${logPath}`);
      const h = await fetch(`${server.httpUrl}/healthz`);
      if (!h.ok) return false;
      const s = await fetch(`${server.webUrl}/api/web/session`);
      return s.ok;
    }, { timeoutMs: opts.timeoutMs ?? 20000, everyMs: 100, what: `server ${opts.name} to answer /healthz and /api/web/session` });
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** GET /healthz on the server's HTTP port: true when it answers 200. */
export async function healthy(server) {
  try {
    return (await fetch(`${server.httpUrl}/healthz`, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

/** The server's /metrics as {"name{labels}": value}. */
export async function metrics(server) {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^(watchfloor_[A-Za-z0-9_]+(?:\{[^}]*\})?)\s+(\S+)\s*$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/**
 * POSTs one ops command to `/api/ops/commands` on the server's web listener;
 * resolves `{status, body}` (the body parsed as JSON).
 * @param {Server} server
 * @param {object} cmd
 */
export async function opsCommand(server, cmd) {
  const r = await fetch(`${server.webUrl}/api/ops/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(cmd),
    signal: AbortSignal.timeout(10000),
  });
  return { status: r.status, body: await r.json() };
}

/** GETs `p` (an `/api/...` path) on the server's web listener as JSON; throws unless it answers 200. */
export async function webJson(server, p) {
  const r = await fetch(`${server.webUrl}${p}`, { signal: AbortSignal.timeout(10000) });
  if (r.status !== 200) throw new Error(`GET ${p}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}
