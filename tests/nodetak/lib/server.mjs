// Starts and stops a real `watchfloor serve` with mutual TLS for node-tak.
//
// Each server gets a temporary folder holding its certificate authority
// (`watchfloor certs init`), one client certificate per user (`certs client`),
// the users file (`users add`) and its store; its own free loopback ports for
// plain TCP, TLS streaming, the HTTPS Marti API and /healthz; and a log file in
// test-artifacts/nodetak/. `stop()` ends it (SIGTERM, SIGKILL after 5 s) and
// removes the folder.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The repository root (tests/nodetak/lib/../../..). */
export const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
/** Where server logs go. */
export const ARTIFACTS = path.join(REPO, 'test-artifacts', 'nodetak');

/** The binary under test: $WATCHFLOOR_BIN or target/debug/watchfloor. */
export function serverBinary() {
  return process.env.WATCHFLOOR_BIN || path.join(REPO, 'target', 'debug', 'watchfloor');
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

/** Runs `watchfloor ARGS` to its end; throws with its output when it fails. */
function cli(args, input) {
  const r = spawnSync(serverBinary(), args, { input, encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) {
    throw new Error(`watchfloor ${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

/**
 * A running server.
 * @typedef {object} Server
 * @property {number} tcp      plain TCP streaming port (anonymous group)
 * @property {number} tls      mutual-TLS streaming port
 * @property {number} https    Marti API port (mutual TLS)
 * @property {string} httpUrl  http://127.0.0.1:<port> for /healthz and /metrics
 * @property {string} apiUrl   https://127.0.0.1:<https>
 * @property {string} streamUrl ssl://127.0.0.1:<tls>
 * @property {(name: string) => {cert: string, key: string, ca: string}} pem  a user's PEM pair and the CA
 * @property {string} logPath
 * @property {() => Promise<void>} stop
 * @property {() => boolean} alive
 */

/**
 * Makes the certificates and users, starts `serve --certs --tls --https --tcp --http`
 * and waits until /healthz answers.
 * @param {{name: string, users: Record<string, string>, extraArgs?: string[], timeoutMs?: number}} opts
 *   `users` maps a user name to its comma-separated groups
 * @returns {Promise<Server>}
 */
export async function startServer(opts) {
  const bin = serverBinary();
  mkdirSync(ARTIFACTS, { recursive: true });
  const root = mkdtempSync(path.join(os.tmpdir(), 'wf-nodetak-'));
  const certs = path.join(root, 'certs');
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir);
  cli(['certs', 'init', '--dir', certs, '--host', '127.0.0.1', '--host', 'localhost']);
  for (const [name, groups] of Object.entries(opts.users)) {
    cli(['certs', 'client', name, '--dir', certs]);
    cli(['users', 'add', name, '--password-stdin', '--groups', groups, '--data-dir', dataDir], `${name}-Secret-42\n`);
  }
  const [tcp, tls, https, http] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const args = [
    'serve', '--certs', certs,
    '--tcp', `127.0.0.1:${tcp}`, '--tls', `127.0.0.1:${tls}`, '--https', `127.0.0.1:${https}`,
    '--http', `127.0.0.1:${http}`, '--web', '', '--data-dir', dataDir,
    ...(opts.extraArgs ?? []),
  ];
  const logPath = path.join(ARTIFACTS, `${slug(opts.name)}-server.log`);
  const log = createWriteStream(logPath);
  log.write(`$ ${bin} ${args.join(' ')}\n`);
  const proc = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info', NO_COLOR: '1' },
  });
  proc.stdout.pipe(log, { end: false });
  proc.stderr.pipe(log, { end: false });
  let exited = null;
  const exitedP = new Promise((resolve) => proc.on('exit', (code, sig) => {
    exited = { code, sig };
    resolve(exited);
  }));
  const read = (f) => readFileSync(path.join(certs, f), 'utf8');
  const server = {
    tcp, tls, https, logPath,
    httpUrl: `http://127.0.0.1:${http}`,
    apiUrl: `https://127.0.0.1:${https}`,
    streamUrl: `ssl://127.0.0.1:${tls}`,
    pem: (name) => ({ cert: read(`${name}.pem`), key: read(`${name}.key`), ca: read('ca.pem') }),
    alive: () => exited === null,
    async stop() {
      if (exited === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => { if (exited === null) proc.kill('SIGKILL'); }, 5000);
        await exitedP;
        clearTimeout(t);
      }
      log.end(`\n[exit ${JSON.stringify(exited)}]\n`);
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await until(async () => {
      if (exited !== null) throw new Error(`server exited early ${JSON.stringify(exited)}; see ${logPath}`);
      return (await fetch(`${server.httpUrl}/healthz`)).ok;
    }, { timeoutMs: opts.timeoutMs ?? 20000, everyMs: 100, what: `server ${opts.name} to answer /healthz` });
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
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
