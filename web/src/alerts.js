// The red alert banner: one item per active alert, with a locate button,
// then one per suspense the ops desk lists as an alert (late, or warned and
// not met), in their own colour with an Open button, staying until the
// server stops listing it; and the notice line under it for good news that
// needs no action (a silent sensor speaking again), shown for a while then
// gone.
import { ageText, hmsText } from './format.js';
import { alertText } from './suspenses.js';

const NOTICE_MS = 20000;

/** A short two-tone beep (Web Audio, nothing fetched); silent where audio is blocked. */
function beep() {
  try {
    const ctx = new AudioContext();
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.type = 'square';
    o.frequency.setValueAtTime(880, ctx.currentTime);
    o.frequency.setValueAtTime(660, ctx.currentTime + 0.18);
    g.gain.setValueAtTime(0.08, ctx.currentTime);
    o.connect(g).connect(ctx.destination);
    o.start();
    o.stop(ctx.currentTime + 0.36);
    o.onended = () => ctx.close();
  } catch {
    // no audio here
  }
}

/**
 * Wires the banner; `locate(alert)` flies the map there, `now()` is server
 * time; `openSuspense(id)` opens a suspense on the suspense board;
 * `ack(uid)` acknowledges an alert for everyone (resolves with the server's
 * answer); `soundKey` is where the user's sound choice is kept.
 */
export function createAlerts({ locate, now, openSuspense = () => {}, ack = async () => ({ ok: false }), soundKey = 'watchfloor.alert-sound' }) {
  const banner = document.getElementById('alert-banner');
  const sound = document.getElementById('alert-sound');
  const heard = new Set(); // alerts already announced by sound
  try {
    sound.checked = window.localStorage.getItem(soundKey) === '1';
  } catch {
    // storage off: the box starts off
  }
  sound.addEventListener('change', () => {
    try {
      window.localStorage.setItem(soundKey, sound.checked ? '1' : '0');
    } catch {
      // kept for this page only
    }
  });
  const noticeBar = document.getElementById('notice-bar');
  let alerts = [];
  let suspenses = [];
  let suspenseNow = () => Date.now();
  let noticeTimer = null;

  function suspenseItem(s) {
    const item = document.createElement('div');
    item.className = `alert suspense-alert ${s.status === 'LATE' ? 'late' : 'due'}`;
    item.dataset.testid = 'suspense-alert';
    item.dataset.id = s.id;
    item.dataset.status = s.status;
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = `◷ SUSPENSE ${s.id}`;
    const what = document.createElement('span');
    what.className = 'when';
    what.dataset.testid = 'suspense-alert-text';
    what.textContent = alertText(s, suspenseNow());
    const who = document.createElement('span');
    who.className = 'age';
    who.textContent = [s.owner, s.title].filter(Boolean).join(' · ');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.textContent = 'Open';
    btn.dataset.testid = 'suspense-alert-open';
    btn.onclick = () => openSuspense(s.id);
    item.append(kind, what, who, btn);
    return item;
  }

  // The banner's alert elements by uid, with what they show.
  let built = new Map();
  const ageLine = (a) => `${ageText(now() - a.time)} ago${a.text ? ` · ${a.text}` : ''}`;

  function render() {
    banner.hidden = alerts.length === 0 && suspenses.length === 0;
    // Only suspenses: no flashing, that is for emergencies; nor once every
    // alert is acknowledged (they stay until cancelled).
    const open = alerts.filter((a) => !a.ack_by).length;
    banner.classList.toggle('suspenses-only', alerts.length === 0 && suspenses.length > 0);
    banner.classList.toggle('all-acked', alerts.length > 0 && open === 0);
    // An alert's element is kept while it is unchanged, only its age
    // refreshed: a button rebuilt under the pointer loses the click.
    const keep = new Map();
    const nodes = [
      ...alerts.map((a) => {
        const sig = [a.kind, a.from, a.from_uid, a.text, a.lat, a.lon, a.ack_by, a.ack_at].join('|');
        const had = built.get(a.uid);
        if (had && had.sig === sig) {
          had.age.textContent = ageLine(a);
          keep.set(a.uid, had);
          return had.item;
        }
        const item = document.createElement('div');
        item.className = a.ack_by ? 'alert acked' : 'alert';
        item.dataset.testid = 'alert';
        item.dataset.uid = a.uid;
        item.dataset.acked = a.ack_by ? 'true' : 'false';
        const kind = document.createElement('span');
        kind.className = 'kind';
        kind.textContent = `⚠ ${a.kind || 'Alert'}`;
        const from = document.createElement('span');
        from.textContent = a.from || a.from_uid || '';
        const age = document.createElement('span');
        age.className = 'age';
        age.textContent = ageLine(a);
        item.append(kind, from, age);
        // A sensor without a site has nowhere to fly to.
        if (Number.isFinite(a.lat) && Number.isFinite(a.lon)) {
          const btn = document.createElement('button');
          btn.type = 'button';
          btn.textContent = 'Locate';
          btn.onclick = () => locate(a);
          item.append(btn);
        }
        if (a.ack_by) {
          const who = document.createElement('span');
          who.className = 'ack';
          who.dataset.testid = 'alert-acked';
          who.textContent = `ACK ${a.ack_by} ${hmsText(a.ack_at)}Z`;
          item.append(who);
        } else {
          const btn = document.createElement('button');
          btn.type = 'button';
          btn.textContent = 'Acknowledge';
          btn.dataset.testid = 'alert-ack';
          btn.onclick = async () => {
            btn.disabled = true;
            const r = await ack(a.uid);
            if (!r || !r.ok) {
              btn.disabled = false;
              btn.title = (r && r.error) || 'not acknowledged';
            }
          };
          item.append(btn);
        }
        keep.set(a.uid, { sig, item, age });
        return item;
      }),
      ...suspenses.map(suspenseItem),
    ];
    built = keep;
    const same = nodes.length === banner.children.length && nodes.every((n, i) => banner.children[i] === n);
    if (!same) banner.replaceChildren(...nodes);
  }

  setInterval(() => (alerts.length || suspenses.length) && render(), 5000);
  return {
    /** Replaces the shown alerts (newest first). */
    set(map) {
      alerts = [...map.values()].sort((a, b) => b.time - a.time);
      // A new alert nobody acknowledged sounds once, when the user asked for sound.
      const fresh = alerts.filter((a) => !a.ack_by && !heard.has(a.uid));
      for (const u of heard) if (!map.has(u)) heard.delete(u);
      for (const a of alerts) heard.add(a.uid);
      if (fresh.length && sound.checked) beep();
      render();
    },
    /**
     * Replaces the suspense alerts (board rows with `alert: true`, soonest
     * due first); `nowFn()` is the ops desk's time.
     */
    setSuspenses(rows, nowFn) {
      suspenses = Array.isArray(rows) ? rows : [];
      if (nowFn) suspenseNow = nowFn;
      render();
    },
    /** Shows `text` on the notice line for a while. */
    notice(text) {
      noticeBar.textContent = `✓ ${text}`;
      noticeBar.hidden = false;
      clearTimeout(noticeTimer);
      noticeTimer = setTimeout(() => {
        noticeBar.hidden = true;
      }, NOTICE_MS);
    },
  };
}
