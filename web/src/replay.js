// Replay: a slider over the stored history; scrubbing fetches the picture at
// that time (throttled). Live frames keep updating the live state meanwhile;
// leaving replay shows the live picture again.
import { utcText } from './format.js';

const FETCH_GAP_MS = 250; // at most ~4 fetches a second while scrubbing

/**
 * Wires the toggle and slider. `onEnter()`/`onLeave()` switch what is drawn;
 * `onPicture(at, objects)` gets each fetched picture.
 */
export function createReplay({ onEnter, onLeave, onPicture }) {
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

  async function fetchAt(at) {
    inflight = true;
    lastFetch = performance.now();
    try {
      const r = await fetch(`/api/web/replay?at=${Math.round(at)}`, { credentials: 'same-origin' });
      if (!r.ok) throw new Error(r.status === 404 ? 'this server keeps no history' : `HTTP ${r.status}`);
      const body = await r.json();
      if (active) {
        msg.textContent = '';
        onPicture(body.at ?? at, Array.isArray(body.objects) ? body.objects : []);
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
        const at = wanted;
        wanted = null;
        if (at !== null && active) fetchAt(at);
      },
      Math.max(0, wait),
    );
  }

  slider.addEventListener('input', () => {
    const at = Number(slider.value);
    time.textContent = utcText(at);
    wanted = at;
    schedule();
  });

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
    slider.value = String(to);
    time.textContent = utcText(to);
    onEnter();
    wanted = to;
    schedule();
  }

  function leave() {
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
    leave,
  };
}
