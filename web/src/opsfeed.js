// The ops desk over HTTP: polls /api/ops/version every 2 s and refetches the
// roster and the board only when it moved, the roster every 10 s anyway
// (unit positions move without a version bump), and posts commands. A
// desk that is not running (503) or a caller who must log in (401) is a
// state the page shows, not an error it throws.

import { postJson } from './fetchjson.js';

const VERSION_MS = 2000;
const ROSTER_MS = 10000;

/** The error shape's message, or a line made from the status. */
async function errorOf(r) {
  try {
    const body = await r.json();
    if (body && body.error && body.error.message) return { code: body.error.code, message: body.error.message };
  } catch {
    // not JSON: fall through to the status
  }
  return { code: `http_${r.status}`, message: `HTTP ${r.status}` };
}

/** What a failed answer means for the panel. */
function stateOf(status) {
  if (status === 503) return 'down';
  if (status === 401) return 'login';
  return 'error';
}

async function getJson(path) {
  const r = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  if (!r.ok) {
    const e = await errorOf(r);
    return { ok: false, status: r.status, state: stateOf(r.status), ...e };
  }
  return { ok: true, body: await r.json() };
}

/**
 * Starts polling. `onState(state, why)` gets 'live' | 'down' | 'login' |
 * 'offline' | 'error'; `onVersion({version, actor, roles})`, `onRoster(roster)`
 * and `onBoard(board)` get each new answer (the roster only when it changed).
 */
export function createOpsFeed({ onState, onVersion, onRoster, onBoard }) {
  const st = { version: null, state: '', rosterSig: '', boardSig: '', rosterAt: 0, running: null, again: false, polls: 0, fetches: 0 };

  function setState(state, why = '') {
    const key = `${state}|${why}`;
    if (key === st.state) return;
    st.state = key;
    onState(state, why);
  }

  // The views carry the time they were made, so their text always differs;
  // what the page draws is the rest.
  const sig = (view, fields) => JSON.stringify(fields.map((f) => view[f]));

  async function fetchRoster() {
    const r = await getJson('/api/ops/roster');
    st.fetches++;
    if (!r.ok) return r;
    st.rosterAt = performance.now();
    const s = sig(r.body, ['units', 'totals', 'rule_set']);
    if (s !== st.rosterSig) {
      st.rosterSig = s;
      onRoster(r.body);
    }
    return r;
  }

  async function fetchBoard() {
    const r = await getJson('/api/ops/board');
    st.fetches++;
    if (!r.ok) return r;
    // The reviews' warnings move with the clock, so they are compared too.
    const s = sig(r.body, ['tasks', 'reviews', 'rule_set']);
    if (s !== st.boardSig) {
      st.boardSig = s;
      onBoard(r.body);
    }
    return r;
  }

  async function pollOnce(force) {
    st.polls++;
    try {
      const v = await getJson('/api/ops/version');
      if (!v.ok) {
        st.version = null;
        setState(v.state, v.message);
        return;
      }
      setState('live');
      const changed = force || v.body.version !== st.version;
      if (changed) onVersion(v.body);
      const due = performance.now() - st.rosterAt >= ROSTER_MS;
      const answers = await Promise.all([
        changed || due ? fetchRoster() : null,
        changed ? fetchBoard() : null,
      ]);
      const bad = answers.find((a) => a && !a.ok);
      if (bad) {
        setState(bad.state, bad.message);
        return;
      }
      // Only once both views of this version are in: a failed fetch retries.
      st.version = v.body.version;
    } catch (e) {
      st.version = null;
      setState('offline', e.message);
    }
  }

  /**
   * One poll at a time. A forced poll asked for while one runs follows it,
   * so what is drawn next is never older than the request that forced it.
   */
  function poll(force = false) {
    if (st.running) {
      if (force) st.again = true;
      return st.running;
    }
    st.running = (async () => {
      await pollOnce(force);
      while (st.again) {
        st.again = false;
        await pollOnce(true);
      }
    })().finally(() => {
      st.running = null;
    });
    return st.running;
  }

  setInterval(() => {
    if (!document.hidden) poll();
  }, VERSION_MS);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) poll();
  });
  poll(true);

  return {
    /** Polls now, refetching both views. */
    refresh: () => poll(true),
    /** How many polls and view fetches ran (the page test hook reads them). */
    counts: () => ({ polls: st.polls, fetches: st.fetches }),
    /**
     * POSTs one command; resolves {ok: true, body} or {ok: false, status, code, message}.
     * Refetches the views after an accepted one.
     */
    async post(cmd) {
      const r = await postJson('/api/ops/commands', cmd);
      if (r.ok) await poll(true);
      return r;
    },
  };
}
