// The event log tab: what happened on the picture, newest first: clients
// joining and leaving, alerts raised, acknowledged and cleared (the alerts'
// 24-hour history), markers and shapes placed and removed (the server's log,
// kept for a day) and the chat the user may read. Filtered by kind and text;
// a click on an entry locates its object, or its place.
import { hmsText, utcText } from './format.js';

const SHOWN_MAX = 500; // entries drawn; the filter narrows the rest

/** Words for each kind, in the filter's order. */
export const KINDS = {
  alert: 'Alert raised',
  ack: 'Alert acknowledged',
  cleared: 'Alert cleared',
  connect: 'Connected',
  disconnect: 'Disconnected',
  marker: 'Marker placed',
  removed: 'Marker removed',
  chat: 'Chat',
};

/** The log's entries from the live state: the server's events and the chat, newest first. */
export function entries(live) {
  const out = [...live.events.values()];
  for (const m of live.chat) {
    out.push({ serial: `chat-${m.id}`, time: m.time, kind: 'chat', text: `${m.from || m.from_uid} in ${m.room || m.room_id}: ${m.text}`, uid: m.from_uid });
  }
  out.sort((a, b) => b.time - a.time);
  return out;
}

/** Wires the Log tab; `locate(entry)` shows its object or place. */
export function createEventLog({ live, tabs, locate }) {
  const view = document.getElementById('log-view');
  const rows = document.getElementById('log-entries');
  const kindSel = document.getElementById('log-kind');
  const text = document.getElementById('log-filter');
  const count = document.getElementById('log-count');
  for (const [k, words] of Object.entries(KINDS)) kindSel.append(new Option(words, k));
  let shown = false;
  let dirty = true;

  function render() {
    if (!shown) return;
    dirty = false;
    const kind = kindSel.value;
    const q = text.value.trim().toLowerCase();
    const all = entries(live);
    const hits = all.filter((e) => (!kind || e.kind === kind) && (!q || String(e.text).toLowerCase().includes(q)));
    count.textContent = `${hits.length} of ${all.length}`;
    rows.replaceChildren(
      ...hits.slice(0, SHOWN_MAX).map((e) => {
        const row = document.createElement('div');
        row.className = `log-entry log-${e.kind}`;
        row.dataset.testid = 'log-entry';
        row.dataset.kind = e.kind;
        row.title = utcText(e.time);
        const t = document.createElement('span');
        t.className = 't';
        t.textContent = `${hmsText(e.time)}Z`;
        const k = document.createElement('span');
        k.className = 'k';
        k.textContent = KINDS[e.kind] || e.kind;
        const what = document.createElement('span');
        what.className = 'what';
        what.textContent = e.text;
        row.append(t, k, what);
        const where = (e.uid && live.objects.has(e.uid)) || (Number.isFinite(e.lat) && Number.isFinite(e.lon));
        if (where) {
          row.classList.add('locatable');
          row.onclick = () => locate(e);
        }
        return row;
      }),
    );
  }

  const mark = () => {
    dirty = true;
    if (shown) render();
  };
  live.on('events', mark);
  live.on('chat', mark);
  kindSel.addEventListener('change', render);
  text.addEventListener('input', render);
  // Relative freshness is not shown, so a calm redraw is enough.
  setInterval(() => dirty && render(), 2000);
  tabs.register('log', {
    view,
    onShow: () => {
      shown = true;
      render();
    },
    onHide: () => {
      shown = false;
    },
  });
  return { render, entries: () => entries(live) };
}
