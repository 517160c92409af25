// Reading the server's JSON API from the panels: one error shape for
// every failure, and refreshes that never overlap.

/**
 * GET `path` as JSON: {ok: true, body} or {ok: false, status, code, message}
 * (the error shape's message when the server sent one).
 */
export async function getJson(path) {
  try {
    const r = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
    let body = null;
    try {
      body = await r.json();
    } catch {
      // not JSON: the status says enough
    }
    if (!r.ok) {
      const e = body && body.error;
      return { ok: false, status: r.status, code: e?.code || `http_${r.status}`, message: e?.message || `HTTP ${r.status}` };
    }
    return { ok: true, body };
  } catch (e) {
    return { ok: false, status: 0, code: 'offline', message: e.message };
  }
}

/**
 * POSTs `body` as JSON to `path`: the same answer shape as getJson.
 */
export async function postJson(path, body) {
  try {
    const r = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    let answer = null;
    try {
      answer = await r.json();
    } catch {
      // not JSON: the status says enough
    }
    if (!r.ok) {
      const e = answer && answer.error;
      return { ok: false, status: r.status, code: e?.code || `http_${r.status}`, message: e?.message || `HTTP ${r.status}` };
    }
    return { ok: true, body: answer };
  } catch (e) {
    return { ok: false, status: 0, code: 'offline', message: e.message };
  }
}

/**
 * `fn` run one at a time: a call while it runs makes it run once more after,
 * and resolves when that run is done, so what is drawn is never older than
 * the call.
 */
export function serial(fn) {
  let running = null;
  let again = false;
  return function run() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await fn();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
}
