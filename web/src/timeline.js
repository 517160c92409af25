// The timeline from /api/ops/timeline: the desk's audit records of the last
// 24 hours, newest first, each with its time, a kind icon and label, the
// one-line summary, who did it (and a refusal flagged), and its links as
// buttons (a unit pans the map to it, a task or an assignment selects the
// task on the board, an order opens the order view, a suspense its row on
// the suspense board). A select narrows it to one kind.
import { el, isoText } from './roster.js';

const HOURS = 24;

/** Each kind's icon and label. */
export const KINDS = {
  decision: ['⚖', 'Decision'],
  task: ['▣', 'Task'],
  suspense: ['◷', 'Suspense'],
  order: ['✉', 'Order'],
  authority: ['§', 'Authority'],
  status: ['◉', 'Status'],
  report: ['✎', 'Report'],
  refused: ['✖', 'Refused'],
  other: ['•', 'Other'],
};

/**
 * Wires the timeline into `#timeline-view`. `get(path)` resolves {ok, body
 * | message}; `onLink({kind, id})` follows a link; `onView(view)` gets each
 * answer (the page test hook).
 */
export function createTimeline({ get, onLink, onView = () => {} }) {
  const box = document.getElementById('timeline-entries');
  const count = document.getElementById('timeline-count');
  const kindSel = document.getElementById('timeline-kind');
  const errorLine = document.getElementById('timeline-error');
  const st = { view: null, seq: 0, sig: '' };

  async function refresh() {
    const n = ++st.seq;
    const r = await get(`/api/ops/timeline?hours=${HOURS}`);
    if (n !== st.seq) return;
    if (!r.ok) {
      errorLine.hidden = false;
      errorLine.textContent = `timeline: ${r.message}`;
      return;
    }
    errorLine.hidden = true;
    const sig = JSON.stringify(r.body.entries);
    st.view = r.body;
    onView(st.view);
    if (sig === st.sig) return;
    st.sig = sig;
    draw();
  }

  function fillKinds(entries) {
    const have = [...new Set(entries.map((e) => e.kind))].sort();
    const sig = have.join('\n');
    if (kindSel.dataset.sig === sig) return;
    kindSel.dataset.sig = sig;
    const keep = kindSel.value;
    kindSel.replaceChildren(new Option('All kinds', ''), ...have.map((k) => new Option((KINDS[k] || KINDS.other)[1], k)));
    kindSel.value = have.includes(keep) ? keep : '';
  }

  let today = '';

  function entry(e) {
    const [icon, label] = KINDS[e.kind] || KINDS.other;
    const row = el('div', `timeline-entry ${e.kind}`);
    row.dataset.testid = 'timeline-entry';
    row.dataset.seq = String(e.seq);
    row.dataset.kind = e.kind;
    row.dataset.action = e.action;
    const refused = /^REFUSED/.test(String(e.decision || ''));
    row.classList.toggle('refused-entry', refused);
    // The time of day; the date too when it is not the server's today.
    const stamp = isoText(e.time);
    const time = el('time', 'tl-time', stamp.slice(11));
    if (stamp.slice(0, 10) !== today) time.prepend(el('span', 'day', stamp.slice(0, 10)));
    time.dateTime = e.time;
    time.title = `${isoText(e.time)} · audit record ${e.seq} · ${e.action}`;
    time.dataset.testid = 'timeline-time';
    const kind = el('span', `tl-kind ${e.kind}`);
    kind.dataset.testid = 'timeline-kind-label';
    kind.append(el('span', 'icon', icon), ` ${label}`);
    const main = el('div', 'tl-main');
    const summary = el('span', 'tl-summary', e.summary);
    summary.dataset.testid = 'timeline-summary';
    const who = el('span', 'tl-actor', e.actor);
    who.dataset.testid = 'timeline-actor';
    main.append(summary, ' ', who);
    if (e.decision && e.decision !== 'ACCEPTED') {
      const d = el('span', `tl-decision${refused ? ' refused' : ''}`, e.decision.replace(/_/g, ' '));
      d.dataset.testid = 'timeline-decision';
      main.append(' ', d);
    }
    const links = el('div', 'tl-links');
    for (const l of e.links || []) {
      const b = el('button', `link ${l.kind}`, `${l.kind} ${l.id}`);
      b.type = 'button';
      b.dataset.testid = 'timeline-link';
      b.dataset.kind = l.kind;
      b.dataset.id = l.id;
      b.title = l.kind === 'unit' ? `pan the map to ${l.id}` : `open ${l.kind} ${l.id}`;
      b.onclick = () => onLink(l);
      links.append(b);
    }
    if (links.childElementCount) main.append(links);
    row.append(time, kind, main);
    return row;
  }

  function draw() {
    if (!st.view) return;
    const entries = st.view.entries || [];
    today = isoText(st.view.time).slice(0, 10);
    fillKinds(entries);
    const shown = kindSel.value ? entries.filter((e) => e.kind === kindSel.value) : entries;
    box.replaceChildren(...shown.map(entry));
    if (!shown.length) box.append(el('div', 'empty', `Nothing in the last ${HOURS} h.`));
    count.textContent = `${shown.length} entr${shown.length === 1 ? 'y' : 'ies'} since ${isoText(st.view.from)}`;
  }
  kindSel.addEventListener('change', draw);

  return { refresh };
}
