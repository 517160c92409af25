// Replay: a slider over the stored history; scrubbing fetches the picture at
// that time (throttled), and Play moves through it at 1x, 10x or 60x. Live
// frames keep updating the live state meanwhile; leaving replay shows the
// live picture again.
import { utcText } from './format.js';

const FETCH_GAP_MS = 250; // at most ~4 fetches a second while scrubbing or playing
const PLAY_TICK_MS = 250; // how often a playing replay moves its time

/**
 * Wires the toggle and slider. `onEnter()`/`onLeave()` switch what is drawn;
 * `onPicture(at, objects, jumped)` gets each fetched picture (`jumped`: the
 * user moved the time, so trails start again).
 */
export function createReplay({ onEnter, onLeave, onPicture }) {
  const play = document.getElementById('replay-play');
  const speed = document.getElementById('replay-speed');
  const toggle = document.getElementById('replay-toggle');
  const bar = document.getElementById('replay-bar');
  const slider = document.getElementById('replay-slider');
  const time = document.getElementById('replay-time');
  const msg = document.getElementById('replay-msg');
  let active = false;
  let inflight = false;
  let wanted = null;
  let lastFetch = 0;
  let timer = null;
  let playing = null; // the play timer while playing
  let at = 0; // the replayed instant
  let jumped = true;

  async function fetchAt(at) {
    inflight = true;
    lastFetch = performance.now();
    try {
      const r = await fetch(`/api/web/replay?at=${Math.round(at)}`, { credentials: 'same-origin' });
      if (!r.ok) throw new Error(r.status === 404 ? 'this server keeps no history' : `HTTP ${r.status}`);
      const body = await r.json();
      if (active) {
        msg.textContent = '';
        onPicture(body.at ?? at, Array.isArray(body.objects) ? body.objects : [], jumped);
        jumped = false;
      }
    } catch (e) {
      msg.textContent = `Replay: ${e.message}`;
    } finally {
      inflight = false;
      if (active && wanted !== null && wanted !== at) schedule();
    }
  }

  function schedule() {
    clearTimeout(timer);
    if (inflight || wanted === null) return;
    const wait = FETCH_GAP_MS - (performance.now() - lastFetch);
    timer = setTimeout(
      () => {
        const next = wanted;
        wanted = null;
        if (next !== null && active) fetchAt(next);
      },
      Math.max(0, wait),
    );
  }

  function moveTo(t) {
    at = t;
    slider.value = String(t);
    time.textContent = utcText(t);
    wanted = t;
    schedule();
  }

  slider.addEventListener('input', () => {
    jumped = true;
    moveTo(Number(slider.value));
  });

  function pause() {
    clearInterval(playing);
    playing = null;
    play.textContent = 'Play';
    play.classList.remove('active');
  }

  function start() {
    if (!active) return;
    // From the end, play starts again at the beginning.
    if (at >= Number(slider.max)) {
      jumped = true;
      moveTo(Number(slider.min));
    }
    play.textContent = 'Pause';
    play.classList.add('active');
    let last = performance.now();
    playing = setInterval(() => {
      const now = performance.now();
      const next = Math.min(Number(slider.max), at + (now - last) * Number(speed.value || 1));
      last = now;
      moveTo(next);
      if (next >= Number(slider.max)) {
        pause();
        msg.textContent = 'end of the stored history';
      }
    }, PLAY_TICK_MS);
  }

  play.addEventListener('click', () => (playing ? pause() : start()));

  async function enter() {
    msg.textContent = '';
    let range;
    try {
      const r = await fetch('/api/web/replay/range', { credentials: 'same-origin' });
      if (!r.ok) throw new Error(r.status === 404 ? 'this server keeps no history' : `HTTP ${r.status}`);
      range = await r.json();
    } catch (e) {
      bar.hidden = false;
      msg.textContent = `Replay unavailable: ${e.message}`;
      setTimeout(() => {
        if (!active) bar.hidden = true;
      }, 4000);
      return;
    }
    const to = Number(range.to);
    const from = range.from === null || range.from === undefined ? to : Number(range.from);
    if (!Number.isFinite(to)) {
      msg.textContent = 'Replay: no history yet';
      bar.hidden = false;
      return;
    }
    active = true;
    toggle.classList.add('active');
    toggle.textContent = 'Back to live';
    bar.hidden = false;
    slider.min = String(from);
    slider.max = String(to);
    slider.step = '1000';
    jumped = true;
    onEnter();
    moveTo(to);
  }

  function leave() {
    pause();
    active = false;
    wanted = null;
    clearTimeout(timer);
    toggle.classList.remove('active');
    toggle.textContent = 'Replay';
    bar.hidden = true;
    msg.textContent = '';
    onLeave();
  }

  toggle.addEventListener('click', () => (active ? leave() : enter()));
  return {
    get active() {
      return active;
    },
    get playing() {
      return playing !== null;
    },
    get at() {
      return at;
    },
    leave,
  };
}
