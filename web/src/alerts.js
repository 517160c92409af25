// The red alert banner: one item per active alert, with a locate button,
// then one per suspense the ops desk lists as an alert (late, or warned and
// not met), in their own colour with an Open button, staying until the
// server stops listing it; and the notice line under it for good news that
// needs no action (a silent sensor speaking again), shown for a while then
// gone.
import { ageText } from './format.js';
import { alertText } from './suspenses.js';

const NOTICE_MS = 20000;

/**
 * Wires the banner; `locate(alert)` flies the map there, `now()` is server
 * time; `openSuspense(id)` opens a suspense on the suspense board.
 */
export function createAlerts({ locate, now, openSuspense = () => {} }) {
  const banner = document.getElementById('alert-banner');
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

  function render() {
    banner.hidden = alerts.length === 0 && suspenses.length === 0;
    // Only suspenses: no flashing, that is for emergencies.
    banner.classList.toggle('suspenses-only', alerts.length === 0 && suspenses.length > 0);
    banner.replaceChildren(
      ...alerts.map((a) => {
        const item = document.createElement('div');
        item.className = 'alert';
        item.dataset.testid = 'alert';
        item.dataset.uid = a.uid;
        const kind = document.createElement('span');
        kind.className = 'kind';
        kind.textContent = `⚠ ${a.kind || 'Alert'}`;
        const from = document.createElement('span');
        from.textContent = a.from || a.from_uid || '';
        const age = document.createElement('span');
        age.className = 'age';
        age.textContent = `${ageText(now() - a.time)} ago${a.text ? ` · ${a.text}` : ''}`;
        item.append(kind, from, age);
        // A sensor without a site has nowhere to fly to.
        if (Number.isFinite(a.lat) && Number.isFinite(a.lon)) {
          const btn = document.createElement('button');
          btn.type = 'button';
          btn.textContent = 'Locate';
          btn.onclick = () => locate(a);
          item.append(btn);
        }
        return item;
      }),
      ...suspenses.map(suspenseItem),
    );
  }

  setInterval(() => (alerts.length || suspenses.length) && render(), 5000);
  return {
    /** Replaces the shown alerts (newest first). */
    set(map) {
      alerts = [...map.values()].sort((a, b) => b.time - a.time);
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
