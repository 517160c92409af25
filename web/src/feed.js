// The WebSocket feed: connect, reconnect with backoff, commands with acks.

const BACKOFF_MIN = 500;
const BACKOFF_MAX = 5000;
const ACK_TIMEOUT = 10000;

/**
 * Keeps one WebSocket to /api/web/ws open. `onFrame(frame)` gets each parsed
 * frame, `onState(state)` gets 'connecting' | 'live' | 'offline'.
 */
export class Feed {
  constructor({ onFrame, onState }) {
    this.onFrame = onFrame;
    this.onState = onState;
    this.ws = null;
    this.backoff = BACKOFF_MIN;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, timer}
    this.frames = 0;
    this.stopped = false;
    this.timer = null;
  }

  url() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/api/web/ws`;
  }

  /** Opens the socket (again). */
  connect() {
    if (this.stopped) return;
    this.onState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onmessage = (ev) => {
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        console.warn('watchfloor: unreadable frame dropped');
        return;
      }
      this.frames += 1;
      if (frame.t === 'ack') {
        this.settle(frame);
        return;
      }
      if (frame.t === 'snapshot') {
        // A snapshot means the server has us again: the picture is live.
        this.backoff = BACKOFF_MIN;
        this.onState('live');
      }
      this.onFrame(frame);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.failPending('connection lost');
      this.retry();
    };
    ws.onerror = () => {
      // onclose follows and does the retry.
    };
  }

  retry() {
    if (this.stopped) return;
    this.onState('offline');
    const wait = this.backoff;
    this.backoff = Math.min(BACKOFF_MAX, this.backoff * 2);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), wait);
  }

  /** Closes for good (logout). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
    this.ws = null;
  }

  /**
   * Sends a command and resolves with its ack ({ok, uid?, error?}); a dead
   * connection or no answer resolves with ok: false and a reason.
   */
  send(cmd) {
    return new Promise((resolve) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        resolve({ ok: false, error: 'not connected' });
        return;
      }
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: 'no answer from the server' });
      }, ACK_TIMEOUT);
      this.pending.set(id, { resolve, timer });
      this.ws.send(JSON.stringify({ ...cmd, id }));
    });
  }

  settle(ack) {
    const p = this.pending.get(ack.id);
    if (!p) return;
    this.pending.delete(ack.id);
    clearTimeout(p.timer);
    p.resolve(ack);
  }

  failPending(reason) {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: reason });
    }
    this.pending.clear();
  }
}
