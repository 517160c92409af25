// The red alert banner: one item per active alert, with a locate button; and
// the notice line under it for good news that needs no action (a silent
// sensor speaking again), shown for a while then gone.
import { ageText } from './format.js';

/** Wires the banner; `locate(alert)` flies the map there, `now()` is server time. */
const NOTICE_MS = 20000;

export function createAlerts({ locate, now }) {
  const banner = document.getElementById('alert-banner');
  const noticeBar = document.getElementById('notice-bar');
  let alerts = [];
  let noticeTimer = null;

  function render() {
    banner.hidden = alerts.length === 0;
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
    );
  }

  setInterval(() => alerts.length && render(), 5000);
  return {
    /** Replaces the shown alerts (newest first). */
    set(map) {
      alerts = [...map.values()].sort((a, b) => b.time - a.time);
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
