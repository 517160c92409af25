// The suspense board from /api/ops/suspenses: the ETMS2 metrics at the top
// (open, due in 7 days, late, days late, met, waived, time to complete), a
// table soonest due first (id and title, owner, order, due in UTC and how
// far off, status in colour, the last warning sent), filters by owner and
// by order and "show closed", and the selected suspense's details below the
// table (its extensions with authority and reason, the notices sent, met or
// waived), with Meet, Extend and Waive for the roles that may: Extend and
// Waive ask for the authority and the reason, and a refusal shows the
// server's own text. The suspenses that are alerts go to the alert banner.
import { el, isoText } from './roster.js';

/** The roles the engine lets meet, extend and waive (crates/ops command.rs). */
const ACT_ROLES = ['watch_officer', 'admin', 'legal'];
const CLOSED = new Set(['MET', 'WAIVED']);
const LEAD_WORDS = { 'T-7d': 'T-7 d', 'T-1d': 'T-1 d', DUE: 'DUE' };

/** A span as a watch officer says it: "3 d 4 h", "4 h 12 min", "12 min", "< 1 min". */
export function spanText(ms) {
  const m = Math.floor(Math.abs(ms) / 60000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return min ? `${h} h ${min} min` : `${h} h`;
  if (min > 0) return `${min} min`;
  return '< 1 min';
}

/** "in 3 d 4 h" before the due instant, "2 d 3 h late" after it. */
export function dueText(dueMs, nowMs) {
  if (!Number.isFinite(dueMs) || !Number.isFinite(nowMs)) return '';
  const left = dueMs - nowMs;
  return left >= 0 ? `in ${spanText(left)}` : `${spanText(left)} late`;
}

/**
 * The banner's words for a suspense alert: "late 2 d" (the server's whole
 * days late, or the hours when under a day), else "due in 1 d".
 */
export function alertText(s, nowMs) {
  const due = Date.parse(s.current_due);
  if (s.status === 'LATE' || due < nowMs) {
    return s.days_late > 0 ? `late ${s.days_late} d` : `late ${spanText(nowMs - due)}`;
  }
  return `due ${dueText(due, nowMs)}`;
}

/** An instant as a time input shows it: "2025-03-01 08:00:00Z" (UTC, as everywhere on the page). */
export function inputValue(ms) {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

/**
 * What a time input holds, for the server: "2025-03-01 08:00[:00][Z]" (read
 * as UTC) as ISO-8601; anything else as typed (a DTG such as "011200Z MAR
 * 25", which the server reads too, or a mistake it answers with its reason).
 */
export function inputInstant(value) {
  const v = String(value || '').trim();
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d)(:\d\d(?:\.\d+)?)?\s*(?:Z|UTC)?$/i.exec(v);
  if (!m) return v;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[3] || ':00'}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : v;
}

/** A notice's lead as a threshold: "T-7d", or "DUE" for the due instant itself. */
function leadWord(lead) {
  return !lead || /^0[a-z]*$/.test(String(lead)) ? 'DUE' : `T-${lead}`;
}

function hoursText(h) {
  if (typeof h !== 'number' || !Number.isFinite(h)) return '—';
  return h >= 48 ? `${(h / 24).toFixed(1)} d` : `${h.toFixed(1)} h`;
}

/** The metric tiles: [key, label, value text, title]. */
function metricTiles(m) {
  return [
    ['open', 'Open', String(m.open ?? 0), 'open, extended and late'],
    ['due_7d', 'Due in 7 d', String(m.due_7d ?? 0), 'open and due within 7 days (late ones not counted)'],
    ['late', 'Late', String(m.late ?? 0), 'past due and not met'],
    ['days_late', 'Days late', String(m.days_late ?? 0), `whole days late, summed; the most is ${m.days_late_max ?? 0}`],
    ['met', 'Met', m.met_late ? `${m.met ?? 0} (${m.met_late} late)` : String(m.met ?? 0), 'met, of which late'],
    ['waived', 'Waived', String(m.waived ?? 0), 'released by an authority'],
    ['hours_to_complete_mean', 'Mean to complete', hoursText(m.hours_to_complete_mean),
      `opened to met, mean; median ${hoursText(m.hours_to_complete_median)}`],
  ];
}

/**
 * Wires the board into `#suspense-view`. `get(path)` and `post(cmd)`
 * resolve {ok, body | message}; `roles()` gives the caller's roles;
 * `onAlerts(rows, now)` gets the alert rows each fetch; `onOpenOrder(id)`
 * opens an order; `onBoard(view)` gets each answer (the page test hook).
 */
export function createSuspenseBoard({ get, post, roles, onAlerts, onOpenOrder, onBoard = () => {} }) {
  const metricsBox = document.getElementById('suspense-metrics');
  const rowsBox = document.getElementById('suspense-rows');
  const detail = document.getElementById('suspense-detail');
  const count = document.getElementById('suspense-count');
  const errorLine = document.getElementById('suspense-fetch-error');
  const owner = document.getElementById('suspense-owner');
  const order = document.getElementById('suspense-order');
  const closed = document.getElementById('suspense-closed');
  // all: the whole board (alerts, the filters' choices); view: the filtered one.
  const st = { all: null, view: null, at: 0, selected: null, form: null, error: '', busy: false, seq: 0, sig: '' };
  // The open Extend / Waive form, kept across redraws so what is typed stays.
  let formEl = null;

  /** The server's time now: its last answer's time plus what passed here since. */
  const now = () => (st.view ? Date.parse(st.view.time) + (performance.now() - st.at) : Date.now());

  const filterQuery = () => {
    const q = new URLSearchParams({ closed: 'true' });
    if (owner.value) q.set('owner', owner.value);
    if (order.value) q.set('order', order.value);
    return q;
  };

  async function refresh() {
    const filtered = Boolean(owner.value || order.value);
    // A filter change and a version bump may overlap: only the latest answer is drawn.
    const n = ++st.seq;
    const [all, view] = await Promise.all([
      get('/api/ops/suspenses?closed=true'),
      filtered ? get(`/api/ops/suspenses?${filterQuery()}`) : null,
    ]);
    if (n !== st.seq) return;
    if (!all.ok || (view && !view.ok)) {
      const bad = !all.ok ? all : view;
      errorLine.hidden = false;
      errorLine.textContent = `suspense board: ${bad.message}`;
      return;
    }
    errorLine.hidden = true;
    st.all = all.body;
    st.view = view ? view.body : all.body;
    st.at = performance.now();
    // The answers carry the time they were made; the rows are redrawn only
    // when the rest moved (a redraw under the pointer can drop a click).
    const sig = JSON.stringify([owner.value, order.value, st.all.suspenses, st.all.owners, st.all.orders, st.view.metrics, view ? st.view.suspenses : null]);
    if (sig === st.sig) return;
    st.sig = sig;
    fillSelect(owner, st.all.owners, 'All owners');
    fillSelect(order, st.all.orders, 'All orders');
    onBoard(st.view);
    const alerts = (st.all.suspenses || []).filter((s) => s.alert);
    onAlerts(alerts, now);
    draw();
  }

  function fillSelect(sel, names, all) {
    const list = Array.isArray(names) ? names : [];
    const sig = list.join('\n');
    if (sel.dataset.sig === sig) return;
    sel.dataset.sig = sig;
    const keep = sel.value;
    sel.replaceChildren(new Option(all, ''), ...list.map((n) => new Option(n, n)));
    sel.value = list.includes(keep) ? keep : '';
  }

  const mayAct = () => roles().some((r) => ACT_ROLES.includes(r));
  const shownRows = () => (st.view?.suspenses || []).filter((s) => closed.checked || !CLOSED.has(s.status));
  const find = (id) => (st.all?.suspenses || []).find((s) => s.id === id) || (st.view?.suspenses || []).find((s) => s.id === id);

  function statusBadge(s) {
    const b = el('span', `sstatus ${String(s.status).toLowerCase()}`, s.status);
    b.dataset.testid = 'suspense-status';
    return b;
  }

  function row(s, t) {
    const tr = el('tr', 'suspense-row');
    tr.dataset.testid = 'suspense-row';
    tr.dataset.id = s.id;
    tr.dataset.status = s.status;
    tr.dataset.alert = String(Boolean(s.alert));
    tr.dataset.due = s.current_due;
    tr.classList.add(String(s.status).toLowerCase());
    tr.classList.toggle('selected', s.id === st.selected);
    tr.classList.toggle('is-alert', Boolean(s.alert));
    const what = el('td', 'what');
    const id = el('b', 'sid', s.id);
    id.dataset.testid = 'suspense-id';
    const title = el('div', 'stitle', s.title || [s.about, s.subject].filter(Boolean).join(' ') || '—');
    title.dataset.testid = 'suspense-title';
    title.title = [s.about, s.subject, s.series ? `series ${s.series}` : ''].filter(Boolean).join(' · ');
    what.append(id, title);
    const ownerCell = el('td', 'owner', s.owner);
    ownerCell.dataset.testid = 'suspense-owner-cell';
    const orderCell = el('td', 'order');
    if (s.order) {
      const b = el('button', 'link', s.order);
      b.type = 'button';
      b.dataset.testid = 'suspense-order-link';
      b.title = `open order ${s.order}`;
      b.onclick = (e) => {
        e.stopPropagation();
        onOpenOrder(s.order);
      };
      orderCell.append(b);
    } else {
      orderCell.append(el('span', 'dim', '—'));
    }
    const dueMs = Date.parse(s.current_due);
    const due = el('td', 'due');
    const utc = el('div', '', isoText(s.current_due));
    utc.dataset.testid = 'suspense-due';
    const rel = el('div', 'rel', dueText(dueMs, t));
    rel.dataset.testid = 'suspense-rel';
    rel.dataset.due = String(dueMs);
    due.append(utc, rel);
    if (s.current_due !== s.due) due.title = `first due ${isoText(s.due)}`;
    if (s.days_late > 0) due.title = `${due.title ? `${due.title}; ` : ''}${s.days_late} whole day${s.days_late === 1 ? '' : 's'} late`;
    const status = el('td', 'status');
    status.append(statusBadge(s));
    const last = el('td', 'last', s.last_notice ? LEAD_WORDS[s.last_notice] || s.last_notice : '—');
    last.dataset.testid = 'suspense-last';
    if (!s.last_notice) last.classList.add('dim');
    tr.append(what, ownerCell, orderCell, due, status, last);
    tr.onclick = () => select(s.id === st.selected ? null : s.id);
    return tr;
  }

  function fact(dl, label, value, testid) {
    const d = el('dd', '', value);
    if (testid) d.dataset.testid = testid;
    dl.append(el('dt', '', label), d);
    return d;
  }

  function list(label, items, testid, line) {
    const box = el('div', 'slist');
    box.append(el('div', 'slist-head', `${label} (${items.length})`));
    if (!items.length) box.append(el('div', 'dim', 'none'));
    for (const x of items) {
      const li = el('div', 'slist-item');
      li.dataset.testid = testid;
      li.append(...line(x));
      box.append(li);
    }
    return box;
  }

  function makeForm(s, kind) {
    const f = el('form', 'suspense-form');
    f.dataset.testid = 'suspense-form';
    f.dataset.kind = kind;
    f.dataset.id = s.id;
    f.append(el('div', 'form-head', kind === 'extend' ? `Extend ${s.id}` : `Waive ${s.id}`));
    const field = (label, name, input) => {
      input.name = name;
      input.autocomplete = 'off';
      const l = el('label', '', label);
      l.append(input);
      f.append(l);
      return input;
    };
    if (kind === 'extend') {
      const due = document.createElement('input');
      due.type = 'text';
      due.maxLength = 40;
      due.placeholder = 'YYYY-MM-DD HH:MM:SSZ or a DTG';
      due.value = inputValue(Date.parse(s.current_due) + 86400000);
      field('New due (UTC)', 'due', due);
    }
    const auth = document.createElement('input');
    auth.type = 'text';
    auth.maxLength = 200;
    auth.placeholder = kind === 'extend' ? 'who allows it (CoS JTF-SB)' : 'who releases it';
    field('Authority', 'authority', auth);
    const reason = document.createElement('input');
    reason.type = 'text';
    reason.maxLength = 2000;
    reason.placeholder = 'why';
    field('Reason', 'reason', reason);
    const buttons = el('div', 'buttons');
    const cancel = el('button', '', 'Cancel');
    cancel.type = 'button';
    cancel.dataset.testid = 'suspense-cancel';
    cancel.onclick = () => {
      st.form = null;
      formEl = null;
      st.error = '';
      draw();
    };
    const submit = el('button', 'primary', kind === 'extend' ? 'Extend' : 'Waive');
    submit.type = 'submit';
    submit.dataset.testid = 'suspense-submit';
    buttons.append(cancel, submit);
    f.append(buttons);
    f.onsubmit = (e) => {
      e.preventDefault();
      const v = (n) => f.elements.namedItem(n).value.trim();
      // Sent as typed: the engine decides (and audits) what is missing.
      const cmd = kind === 'extend'
        ? { op: 'extend', suspense: s.id, due: inputInstant(v('due')), authority: v('authority'), reason: v('reason') }
        : { op: 'waive', suspense: s.id, authority: v('authority'), reason: v('reason') };
      act(cmd, true);
    };
    return f;
  }

  async function act(cmd, closesForm) {
    st.busy = true;
    st.error = '';
    draw();
    const r = await post(cmd);
    st.busy = false;
    if (r.ok) {
      if (closesForm) {
        st.form = null;
        formEl = null;
      }
    } else {
      st.error = r.message || 'refused';
    }
    draw();
  }

  function drawDetail() {
    const s = st.selected ? find(st.selected) : null;
    if (!st.selected) {
      detail.hidden = true;
      detail.replaceChildren();
      return;
    }
    detail.hidden = false;
    detail.dataset.id = st.selected;
    const head = el('h3');
    const title = el('span', '', st.selected);
    const close = el('button', '', '✕');
    close.type = 'button';
    close.title = 'Close';
    close.onclick = () => select(null);
    head.append(title);
    if (!s) {
      head.append(close);
      detail.replaceChildren(head, el('div', 'dim', 'Not on the board.'));
      return;
    }
    head.append(statusBadge(s), close);
    const dl = el('dl');
    fact(dl, 'What', s.title || '—');
    fact(dl, 'About', [s.about, s.subject].filter(Boolean).join(' ') + (s.series ? ` (series ${s.series})` : ''));
    fact(dl, 'Owner', s.owner);
    if (s.order) fact(dl, 'Order', s.order);
    fact(dl, 'Opened', isoText(s.opened));
    fact(dl, 'Due', `${isoText(s.current_due)} (${dueText(Date.parse(s.current_due), now())})`, 'suspense-detail-due');
    if (s.current_due !== s.due) fact(dl, 'First due', isoText(s.due));
    fact(dl, 'Warnings', (s.warnings || []).map(leadWord).join(', ') || 'none');
    if (s.days_late > 0) fact(dl, 'Days late', String(s.days_late));
    const parts = [head, dl];
    parts.push(list('Extensions', s.extensions || [], 'suspense-extension', (x) => [
      el('b', '', `to ${isoText(x.due)}`), ' by ', el('b', 'auth', x.authority), ': ', el('span', 'reason', x.reason),
      el('span', 'dim', ` (${x.by}, ${isoText(x.at)})`),
    ]));
    parts.push(list('Notices', s.notices || [], 'suspense-notice', (n) => [
      el('b', '', leadWord(n.lead)), ` for due ${isoText(n.due)} at ${isoText(n.at)}`,
      el('span', n.sent ? '' : 'dim', n.sent ? ' · sent' : ' · not sent'),
    ]));
    if (s.met_at) {
      const m = el('div', 'met', `Met ${isoText(s.met_at)} by ${s.met_by || '?'}`);
      m.dataset.testid = 'suspense-met';
      parts.push(m);
    }
    if (s.waiver) {
      const w = el('div', 'waiver');
      w.dataset.testid = 'suspense-waiver';
      w.append('Waived by ', el('b', '', s.waiver.authority), ': ', s.waiver.reason, el('span', 'dim', ` (${s.waiver.by}, ${isoText(s.waiver.at)})`));
      parts.push(w);
    }
    if (!CLOSED.has(s.status)) {
      if (mayAct()) {
        const actions = el('div', 'suspense-actions');
        for (const [kind, word, testid] of [['meet', 'Meet', 'suspense-meet'], ['extend', 'Extend…', 'suspense-extend'], ['waive', 'Waive…', 'suspense-waive']]) {
          const b = el('button', kind, word);
          b.type = 'button';
          b.dataset.testid = testid;
          b.disabled = st.busy;
          b.onclick = () => {
            if (kind === 'meet') {
              act({ op: 'meet', suspense: s.id }, false);
              return;
            }
            st.error = '';
            if (!st.form || st.form.kind !== kind || st.form.id !== s.id) {
              st.form = { kind, id: s.id };
              formEl = makeForm(s, kind);
            }
            draw();
            formEl.querySelector('input')?.focus();
          };
          actions.append(b);
        }
        parts.push(actions);
      } else {
        parts.push(el('div', 'dim', `Meet, Extend and Waive need one of the roles ${ACT_ROLES.join(', ')}.`));
      }
    }
    if (st.form && st.form.id === s.id && formEl && !CLOSED.has(s.status)) {
      formEl.querySelector('[data-testid="suspense-submit"]').disabled = st.busy;
      parts.push(formEl);
    }
    if (st.error) {
      const err = el('div', 'suspense-error', st.error);
      err.dataset.testid = 'suspense-error';
      err.setAttribute('role', 'alert');
      parts.push(err);
    }
    // The form is moved, not rebuilt: what is typed in it stays.
    const focused = formEl && formEl.contains(document.activeElement) ? document.activeElement : null;
    detail.replaceChildren(...parts);
    focused?.focus();
  }

  function draw() {
    if (!st.view) return;
    const t = now();
    const m = st.view.metrics?.overall || {};
    metricsBox.replaceChildren(...metricTiles(m).map(([key, label, value, title]) => {
      const tile = el('div', 'metric');
      tile.dataset.testid = 'suspense-metric';
      tile.dataset.key = key;
      tile.dataset.value = String(m[key] ?? '');
      tile.title = title;
      tile.classList.toggle('bad', (key === 'late' || key === 'days_late') && Number(m[key]) > 0);
      tile.append(el('span', 'value', value), el('span', 'label', label));
      return tile;
    }));
    const rows = shownRows();
    rowsBox.replaceChildren(...rows.map((s) => row(s, t)));
    if (!rows.length) {
      const tr = el('tr');
      const td = el('td', 'empty', 'No suspenses on the board.');
      td.colSpan = 6;
      tr.append(td);
      rowsBox.append(tr);
    }
    const all = (st.view.suspenses || []).length;
    count.textContent = `${rows.length} of ${all}${owner.value ? ` · ${owner.value}` : ''}${order.value ? ` · ${order.value}` : ''}`;
    drawDetail();
  }

  function select(id) {
    if (id !== st.selected) {
      st.form = null;
      formEl = null;
      st.error = '';
    }
    st.selected = id;
    draw();
    if (id) rowsBox.querySelector(`[data-testid="suspense-row"][data-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
  }

  for (const sel of [owner, order]) sel.addEventListener('change', () => refresh());
  closed.addEventListener('change', () => draw());
  // How far off each due is moves with the clock.
  setInterval(() => {
    if (!st.view) return;
    const t = now();
    for (const r of rowsBox.querySelectorAll('[data-testid="suspense-rel"]')) r.textContent = dueText(Number(r.dataset.due), t);
  }, 30000);

  return {
    refresh,
    redraw: draw,
    /** The server's time now (for the alert banner). */
    now,
    /** Opens suspense `id`: filters cleared if they hide it, its row selected and in view. */
    async open(id) {
      if (!st.all) await refresh();
      let s = find(id);
      const inView = (st.view?.suspenses || []).some((x) => x.id === id);
      if (!inView && (owner.value || order.value)) {
        owner.value = '';
        order.value = '';
        await refresh();
        s = find(id);
      }
      if (s && CLOSED.has(s.status) && !closed.checked) closed.checked = true;
      select(id);
      return Boolean(s);
    },
    /** Forgets the alerts (the desk is down or asks for a login). */
    clearAlerts() {
      st.sig = ''; // the next answer draws and sends them again, changed or not
      onAlerts([], now);
    },
  };
}
