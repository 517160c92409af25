// The order view from /api/ops/orders and /api/ops/orders/{id}: the order
// tree (each base order with its FRAGORDs indented under it), and for the
// selected order its tree's effective text paragraph by paragraph (the
// address, the text, and "set by FRAGORD-…" where a FRAGORD changed it) at
// an "as of" instant (now unless one is chosen, refetched with ?at=), what a
// FRAGORD changes, its references as USMTF REF lines with the citation of
// the authority record they name (and a warning for one not on file), and
// its suspenses and tasks, each a link to its board.
import { el, isoText } from './roster.js';
import { inputInstant, inputValue } from './suspenses.js';

const MAIN_TITLES = { 1: 'SITUATION', 2: 'MISSION', 3: 'EXECUTION', 4: 'SUSTAINMENT', 5: 'COMMAND AND SIGNAL' };

/** One segment of a paragraph address as a number: `3` → 3, `b` → 2, `(2)` → 2, `(a)` → 1. */
function segmentKey(seg) {
  const s = seg.replace(/[()]/g, '').toLowerCase();
  if (/^\d+$/.test(s)) return Number(s);
  let n = 0;
  for (const c of s) n = n * 26 + (c.charCodeAt(0) - 96);
  return n;
}

/**
 * Paragraph addresses in document order (`3` before `3.a` before `3.b.(2)`
 * before `3.b.(10)` before `4`). The server writes them in that order, but
 * a JSON object's integer-like keys ("1".."5") come first in JavaScript.
 */
export function compareAddr(a, b) {
  const x = String(a).split('.');
  const y = String(b).split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = segmentKey(x[i]) - segmentKey(y[i]);
    if (d) return d;
  }
  return x.length - y.length;
}

function addrLabel(addr) {
  return MAIN_TITLES[addr] ? `${addr}. ${MAIN_TITLES[addr]}` : `${addr}.`;
}

function changeText(c) {
  const ch = c.change;
  if (ch === 'delete' || (ch && typeof ch === 'object' && 'delete' in ch)) return ['DELETE', ''];
  if (ch && typeof ch === 'object') {
    if ('replace' in ch) return ['REPLACE', ch.replace];
    if ('add' in ch) return ['ADD', ch.add];
  }
  return [String(ch), ''];
}

/**
 * Wires the view into `#order-view`. `get(path)` resolves {ok, body |
 * status, message}; `onOpenSuspense(id)` opens a suspense on its board,
 * `onSelectTask(id)` selects a task on the task board; `onView(view)`
 * gets each answer (the page test hook).
 */
export function createOrderView({ get, onOpenSuspense, onSelectTask, onView = () => {} }) {
  const tree = document.getElementById('order-tree');
  const detail = document.getElementById('order-detail');
  const count = document.getElementById('order-count');
  const atInput = document.getElementById('order-at');
  const nowButton = document.getElementById('order-now');
  const st = { list: null, selected: null, at: null, detail: null, error: '', status: 0, seq: 0 };

  async function fetchDetail() {
    if (!st.selected) {
      st.detail = null;
      return;
    }
    const q = st.at ? `?at=${encodeURIComponent(st.at)}` : '';
    // Answers may come back out of order: only the latest request's counts.
    const n = ++st.seq;
    const r = await get(`/api/ops/orders/${encodeURIComponent(st.selected)}${q}`);
    if (n !== st.seq) return;
    if (r.ok) {
      st.detail = r.body;
      st.error = '';
      st.status = 200;
    } else {
      // A 422 (not issued at that instant) keeps what the list says of it.
      st.detail = null;
      st.status = r.status;
      st.error = r.status === 422 ? `not in effect at ${st.at}: ${r.message}` : r.message;
    }
  }

  async function refresh() {
    const r = await get('/api/ops/orders');
    if (!r.ok) {
      st.error = `orders: ${r.message}`;
      draw();
      return;
    }
    st.list = r.body;
    const ids = (st.list.orders || []).map((o) => o.id);
    if (!st.selected || !ids.includes(st.selected)) st.selected = ids[0] || null;
    await fetchDetail();
    onView({ list: st.list, detail: st.detail, selected: st.selected, at: st.at, error: st.error });
    draw();
  }

  function treeRow(o) {
    const r = el('div', 'order-row');
    r.dataset.testid = 'order-row';
    r.dataset.id = o.id;
    r.dataset.kind = o.kind;
    r.dataset.depth = String(o.depth || 0);
    r.style.paddingLeft = `${8 + (o.depth || 0) * 20}px`;
    r.classList.toggle('selected', o.id === st.selected);
    r.tabIndex = 0;
    const kind = el('span', `okind ${String(o.kind).toLowerCase()}`, o.kind);
    const name = el('b', 'oid', o.id);
    const when = el('span', 'dim', isoText(o.dtg));
    r.append(el('span', 'branch', o.depth ? '└' : ''), kind, name, when);
    if (o.subject) r.append(el('span', 'osubject', o.subject));
    r.title = `${o.kind} ${o.id} issued by ${o.issuer} at ${isoText(o.dtg)}`
      + `${o.base ? `; changes ${o.base}` : ''}; ${(o.suspenses || []).length} suspense(s), ${(o.tasks || []).length} task(s)`;
    r.onclick = () => open(o.id);
    r.onkeydown = (e) => {
      if (e.key === 'Enter') open(o.id);
    };
    return r;
  }

  function section(label, testid) {
    const s = el('div', 'osection');
    if (testid) s.dataset.testid = testid;
    s.append(el('div', 'osection-head', label));
    return s;
  }

  function linkButton(text, testid, id, onClick) {
    const b = el('button', 'link', text);
    b.type = 'button';
    b.dataset.testid = testid;
    b.dataset.id = id;
    b.onclick = onClick;
    return b;
  }

  function drawDetail() {
    const summary = (st.list?.orders || []).find((o) => o.id === st.selected);
    if (!st.selected || !summary) {
      detail.replaceChildren(el('div', 'empty', st.list ? 'No orders on file.' : ''));
      return;
    }
    const d = st.detail;
    const o = d ? d.order : summary;
    const head = el('div', 'order-head');
    head.dataset.testid = 'order-head';
    head.append(el('span', `okind ${String(o.kind).toLowerCase()}`, o.kind), el('b', '', o.id));
    head.append(el('span', 'dim', ` DTG ${isoText(o.dtg)} · ${o.issuer}`));
    if (o.subject) head.append(el('div', 'osubject', o.subject));
    if (o.base) {
      const line = el('div', 'dim', 'changes ');
      line.append(linkButton(o.base, 'order-base', o.base, () => open(o.base)));
      head.append(line);
    }
    const parts = [head];
    if (st.error) {
      const err = el('div', 'order-error', st.error);
      err.dataset.testid = 'order-error';
      parts.push(err);
    }
    if (d) {
      const eff = d.effective || {};
      const applied = eff.applied || [];
      const line = el('div', 'order-applied', applied.length
        ? `In effect at ${isoText(eff.at)}: ${eff.base} as changed by ${applied.join(', ')}`
        : `In effect at ${isoText(eff.at)}: ${eff.base} as issued (no FRAGORD in effect yet)`);
      line.dataset.testid = 'order-applied';
      parts.push(line);
      const paras = section('Effective text', 'order-paragraphs');
      const entries = Object.entries(eff.paragraphs || {}).sort(([a], [b]) => compareAddr(a, b));
      for (const [addr, p] of entries) {
        const row = el('div', 'order-para');
        row.dataset.testid = 'order-para';
        row.dataset.addr = addr;
        row.dataset.setBy = p.set_by || '';
        row.style.paddingLeft = `${(addr.split('.').length - 1) * 16}px`;
        const changed = p.set_by && p.set_by !== eff.base;
        row.classList.toggle('changed', Boolean(changed));
        const a = el('span', 'para-addr', addrLabel(addr));
        a.dataset.testid = 'para-addr';
        const text = el('span', 'para-text', p.text);
        text.dataset.testid = 'para-text';
        row.append(a, ' ', text);
        if (changed) {
          const by = el('span', 'para-set-by', `set by ${p.set_by}`);
          by.dataset.testid = 'para-set-by';
          row.append(' ', by);
        }
        paras.append(row);
      }
      if (!entries.length) paras.append(el('div', 'dim', 'no text'));
      parts.push(paras);
      if ((o.changes || []).length) {
        const ch = section(`Changes ${o.id} makes`, 'order-changes');
        for (const c of o.changes) {
          const [what, text] = changeText(c);
          const r = el('div', 'order-change');
          r.dataset.testid = 'order-change';
          r.append(el('b', '', `${c.paragraph} ${what}`), text ? ` ${text}` : '');
          ch.append(r);
        }
        parts.push(ch);
      }
      if ((d.children || []).length) {
        const kids = section('FRAGORDs', 'order-children');
        const row = el('div', 'links');
        for (const k of d.children) row.append(linkButton(k, 'order-child', k, () => open(k)));
        kids.append(row);
        parts.push(kids);
      }
      const refs = section('References', 'order-references');
      for (const r of d.references || []) {
        const row = el('div', 'order-ref');
        row.dataset.testid = 'order-ref';
        row.dataset.letter = r.letter;
        const line = el('code', 'ref-line', r.line);
        line.dataset.testid = 'ref-line';
        row.append(line);
        if (r.authority) {
          const a = el('span', 'ref-authority', ` ${r.authority.citation || ''}`);
          a.dataset.testid = 'ref-authority';
          a.title = [r.authority.id, r.authority.kind, r.authority.source, r.authority.approved_by].filter(Boolean).join(' · ');
          row.append(a);
        }
        if (r.missing) {
          const m = el('span', 'ref-missing', ` ⚠ authority ${r.missing} is not on file`);
          m.dataset.testid = 'ref-missing';
          m.setAttribute('role', 'alert');
          row.append(m);
        }
        refs.append(row);
      }
      if (!(d.references || []).length) refs.append(el('div', 'dim', 'none'));
      parts.push(refs);
      const sus = section('Suspenses', 'order-suspenses');
      for (const s of d.suspenses || []) {
        const row = el('div', 'order-suspense');
        row.dataset.testid = 'order-suspense';
        row.dataset.id = s.id;
        row.dataset.status = s.status;
        const status = el('span', `sstatus ${String(s.status).toLowerCase()}`, s.status);
        row.append(linkButton(s.id, 'order-suspense-link', s.id, () => onOpenSuspense(s.id)), ' ', status,
          el('span', 'dim', ` ${s.owner} · due ${isoText(s.current_due)}${s.title ? ` · ${s.title}` : ''}`));
        sus.append(row);
      }
      if (!(d.suspenses || []).length) sus.append(el('div', 'dim', 'none'));
      parts.push(sus);
      const tasks = section('Tasks', 'order-tasks');
      const row = el('div', 'links');
      for (const t of d.tasks || []) row.append(linkButton(t, 'order-task', t, () => onSelectTask(t)));
      tasks.append((d.tasks || []).length ? row : el('div', 'dim', 'none'));
      parts.push(tasks);
    }
    detail.replaceChildren(...parts);
  }

  function draw() {
    const list = st.list?.orders || [];
    tree.replaceChildren(...list.map(treeRow));
    if (st.list && !list.length) tree.append(el('div', 'empty', 'No orders on file.'));
    count.textContent = st.list ? `${list.length} order${list.length === 1 ? '' : 's'}` : '';
    // Live ("now"): the input follows the server's instant unless it is being edited.
    if (!st.at && st.detail && document.activeElement !== atInput) atInput.value = inputValue(Date.parse(st.detail.effective?.at));
    nowButton.classList.toggle('active', !st.at);
    atInput.classList.toggle('set', Boolean(st.at));
    drawDetail();
  }

  /** Selects order `id` and fetches it at the "as of" instant. */
  async function open(id) {
    st.selected = id;
    if (!st.list) {
      await refresh();
    } else {
      draw();
      await fetchDetail();
      onView({ list: st.list, detail: st.detail, selected: st.selected, at: st.at, error: st.error });
      draw();
    }
    document.querySelector(`[data-testid="order-row"][data-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
    return Boolean(st.detail);
  }

  async function setAt(iso) {
    st.at = iso || null;
    await fetchDetail();
    onView({ list: st.list, detail: st.detail, selected: st.selected, at: st.at, error: st.error });
    draw();
  }
  atInput.addEventListener('change', () => setAt(inputInstant(atInput.value)));
  nowButton.addEventListener('click', () => setAt(null));

  return { refresh, open, setAt };
}
