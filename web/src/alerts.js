// The red alert banner: one item per active alert, with a locate button.
import { ageText } from './format.js';

/** Wires the banner; `locate(alert)` flies the map there, `now()` is server time. */
export function createAlerts({ locate, now }) {
  const banner = document.getElementById('alert-banner');
  let alerts = [];

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
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.textContent = 'Locate';
        btn.onclick = () => locate(a);
        item.append(kind, from, age, btn);
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
  };
}
