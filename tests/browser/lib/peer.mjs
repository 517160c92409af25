// Node side of the pytak peer (lib/pytak_peer.py): starts it with the project's
// .venv Python, sends it JSON commands, and keeps every CoT event it received
// with bounded waits on them.

import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

import { REPO } from './server.mjs';

/** The venv Python that has pytak (scripts/test.sh makes it). */
export function python() {
  return process.env.WATCHFLOOR_PYTHON || path.join(REPO, '.venv', 'bin', 'python');
}

/** A pytak client connected to 127.0.0.1:port. */
export class Peer {
  /**
   * @param {number} port
   * @param {{name?: string, logPath?: string}} opts
   */
  constructor(port, opts = {}) {
    this.name = opts.name ?? `peer@${port}`;
    /** Every line the peer printed, parsed. */
    this.lines = [];
    /** @type {Set<() => void>} */
    this.waiters = new Set();
    this.closed = false;
    this.proc = spawn(python(), [path.join(import.meta.dirname, 'pytak_peer.py'), String(port)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (opts.logPath) this.proc.stderr.pipe(createWriteStream(opts.logPath));
    else this.proc.stderr.resume();
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line));
      } catch {
        this.lines.push({ ev: 'junk', line });
      }
      this.notify();
    });
    this.proc.on('exit', () => {
      this.closed = true;
      this.notify();
    });
  }

  notify() {
    for (const w of this.waiters) w();
  }

  /** Starts the peer and waits until pytak has connected. */
  static async start(port, opts = {}) {
    const p = new Peer(port, opts);
    await p.waitLine((l) => l.ev === 'ready', 10000, 'pytak ready');
    return p;
  }

  /** Index to pass as `since` to look only at what comes from now on. */
  mark() {
    return this.lines.length;
  }

  /** CoT events received (from index `since`). */
  events(since = 0) {
    return this.lines.slice(since).filter((l) => l.ev === 'cot');
  }

  /**
   * The first line from `since` matching `pred`; throws after `timeoutMs`.
   * @param {(line: any) => boolean} pred
   */
  waitLine(pred, timeoutMs = 5000, what = 'line', since = 0) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.lines.slice(since).find(pred);
        if (hit) {
          done();
          resolve(hit);
        } else if (this.closed) {
          done();
          reject(new Error(`${this.name}: exited while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        const seen = this.events(since).slice(-12).map((e) => `${e.type} ${e.uid} ${e.callsign ?? ''}`);
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms; last events: ${JSON.stringify(seen)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The first CoT event from `since` matching `pred`. */
  waitCot(pred, timeoutMs = 5000, what = 'event', since = 0) {
    return this.waitLine((l) => l.ev === 'cot' && pred(l), timeoutMs, what, since);
  }

  /**
   * Sends one command; resolves with pytak's `sent` line (when the event left its queue).
   * @param {object} cmd
   */
  async send(cmd) {
    const since = this.mark();
    this.proc.stdin.write(`${JSON.stringify(cmd)}\n`);
    if (cmd.op === 'quit') return null;
    return this.waitLine((l) => l.ev === 'sent' || l.ev === 'error', 5000, `sent ${cmd.op}`, since);
  }

  /** Self SA: identifies the peer (uid, callsign, position). */
  sa(uid, callsign, lat = 31.33, lon = -109.2, extra = {}) {
    return this.send({ op: 'sa', uid, callsign, lat, lon, ...extra });
  }

  /** Quits and waits (at most 3 s) for the process to end, then kills it. */
  async quit() {
    if (this.closed) return;
    try {
      this.proc.stdin.write('{"op":"quit"}\n');
    } catch {
      // already gone
    }
    const exited = new Promise((r) => this.proc.once('exit', r));
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}
