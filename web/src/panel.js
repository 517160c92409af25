// The side panel's object list (search, filters, count) and the details of
// the selected object. Redrawn at most once a second: with 10,000 objects the
// list shows the first ROW_LIMIT matches only.
import { affiliationOf, kindOf, typeWords } from './cottypes.js';
import { affiliationColour } from './symbols.js';
import { isStale } from './state.js';
import { classifiable } from './classify.js';
import { ageText, altText, courseText, latLonText, mgrsText, naturalCompare, naturalKey, speedText, utcText } from './format.js';

const ROW_LIMIT = 300;
const REFRESH_MS = 1000;

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const hayCache = new WeakMap(); // Object -> lower-case search text

function haystack(o) {
  let h = hayCache.get(o);
  if (h === undefined) {
    h = [o.callsign, o.uid, o.type, typeWords(o.type), o.remarks, o.flight, o.icao].filter(Boolean).join('\n').toLowerCase();
    hayCache.set(o, h);
  }
  return h;
}

// Natural order (TRK-5 before TRK-10); the key is kept per name, since a
// sort of 10,000 rows would otherwise build it 140,000 times a second.
const keyCache = new Map();
function sortKey(o) {
  const name = String(o.callsign || o.uid);
  let k = keyCache.get(name);
  if (k === undefined) {
    if (keyCache.size > 50000) keyCache.clear();
    k = naturalKey(name);
    keyCache.set(name, k);
  }
  return k;
}

const colourCache = new Map();
function chipColour(type) {
  let c = colourCache.get(type);
  if (!c) {
    c = affiliationColour(type);
    colourCache.set(type, c);
  }
  return c;
}

/**
 * Wires the panel. `getView()` gives {objects, now, live}; `onSelect(uid, fly)`
 * selects; `onDelete(uid)` deletes a web marker and resolves with its ack;
 * `onChat(uid)` opens a direct chat with a contact; `isWebMarker(o)` says
 * whether the web made it (only those may be deleted from here).
 */
export function createPanel({ getView, onSelect, onDelete, onChat, onClassify, isWebMarker }) {
  const list = $('object-list');
  const count = $('object-count');
  const details = $('details');
  const inputs = ['search', 'filter-affiliation', 'filter-kind', 'filter-group', 'filter-stale'].map($);
  const state = { selected: null, dirty: true, groups: '', deleteError: '' };

  // Filter edits answer at typing speed, not at the once-a-second tick.
  let typing = null;
  const soon = () => {
    clearTimeout(typing);
    typing = setTimeout(draw, 80);
  };
  for (const i of inputs) {
    i.addEventListener('input', soon);
    i.addEventListener('change', soon);
  }
  list.addEventListener('click', (e) => {
    const row = e.target.closest('.object-row');
    if (row) onSelect(row.dataset.uid, true);
  });

  function matches(o, q, aff, kind, group, showStale, now) {
    if (!showStale && (isStale(o, now) || o.gone)) return false;
    if (aff && affiliationOf(o.type) !== aff) return false;
    if (kind && kindOf(o.type) !== kind) return false;
    if (group && !(Array.isArray(o.groups) && o.groups.includes(group))) return false;
    if (q && !haystack(o).includes(q)) return false;
    return true;
  }

  function updateGroups(objects) {
    const set = new Set();
    for (const o of objects.values()) if (Array.isArray(o.groups)) for (const g of o.groups) set.add(g);
    const names = [...set].sort(naturalCompare);
    const sig = names.join('\n');
    if (sig === state.groups) return;
    state.groups = sig;
    const sel = $('filter-group');
    const keep = sel.value;
    sel.replaceChildren(new Option('All groups', ''), ...names.map((g) => new Option(g, g)));
    sel.value = names.includes(keep) ? keep : '';
  }

  let rowCache = new Map(); // uid -> row element
  let rowSig = '';
  const moreEl = el('div', 'more');

  function makeRow(uid) {
    const row = el('div', 'object-row');
    row.dataset.testid = 'object-row';
    row.dataset.uid = uid;
    const name = el('span', 'name');
    name.append(el('span', 'title'), el('span', 'sub'));
    row.append(el('span', 'chip'), name, el('span', 'age'));
    return row;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function fillRow(row, o, now) {
    const stale = Boolean(isStale(o, now) || o.gone);
    row.classList.toggle('stale', stale);
    row.classList.toggle('emergency', o.emergency === true);
    row.classList.toggle('selected', o.uid === state.selected);
    const [chip, name, age] = row.children;
    const colour = stale ? '#555' : chipColour(o.type);
    if (chip.dataset.c !== colour) {
      chip.dataset.c = colour;
      chip.style.background = colour;
    }
    setText(name.children[0], o.callsign || o.uid);
    setText(name.children[1], typeWords(o.type));
    setText(age, ageText(now - o.time));
  }

  function renderList(view) {
    const q = $('search').value.trim().toLowerCase();
    const aff = $('filter-affiliation').value;
    const kind = $('filter-kind').value;
    const group = $('filter-group').value;
    const showStale = $('filter-stale').checked;
    const hits = [];
    for (const o of view.objects.values()) if (matches(o, q, aff, kind, group, showStale, view.now)) hits.push(o);
    // Emergencies first, then by name: what a watch officer looks for.
    // Plain string order: localeCompare costs ~10x more at 10,000 rows.
    hits.sort((a, b) => {
      const e = (b.emergency === true) - (a.emergency === true);
      if (e) return e;
      const x = sortKey(a);
      const y = sortKey(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    // Rows are kept per uid and updated in place: rebuilding them each second
    // would make them flicker under the pointer and drop clicks.
    state.hits = hits;
    const shown = hits.slice(0, ROW_LIMIT);
    const keep = new Map();
    const rows = shown.map((o) => {
      const row = rowCache.get(o.uid) || makeRow(o.uid);
      keep.set(o.uid, row);
      fillRow(row, o, view.now);
      return row;
    });
    rowCache = keep;
    const more = hits.length - shown.length;
    moreEl.textContent = `${more} more, refine the search`;
    if (more > 0) rows.push(moreEl);
    const sig = shown.map((o) => o.uid).join('\n') + (more > 0 ? '+' : '');
    if (sig !== rowSig) {
      rowSig = sig;
      list.replaceChildren(...rows);
    }
    count.textContent = `${hits.length} of ${view.objects.size} objects`;
    count.dataset.count = String(hits.length);
    count.dataset.total = String(view.objects.size);
  }

  function dd(dl, label, value, testid) {
    const t = el('dt', '', label);
    const d = el('dd', '', value);
    if (testid) d.dataset.testid = testid;
    dl.append(t, d);
    return d;
  }

  function renderDetails(view) {
    if (!state.selected) {
      details.hidden = true;
      return;
    }
    details.hidden = false;
    const o = view.objects.get(state.selected);
    const head = el('h2');
    const title = el('span', '', o ? o.callsign || o.uid : state.selected);
    title.dataset.testid = 'details-callsign';
    const close = el('button', '', '✕');
    close.title = 'Close';
    close.onclick = () => onSelect(null, false);
    head.append(title, close);
    if (!o) {
      details.replaceChildren(head, el('div', '', 'No longer in the picture.'));
      return;
    }
    const dl = el('dl');
    const stale = isStale(o, view.now);
    const flags = [o.emergency && 'EMERGENCY', o.gone && 'DISCONNECTED', stale && 'STALE'].filter(Boolean);
    if (flags.length) dd(dl, 'State', flags.join(' · ')).classList.add('flag');
    dd(dl, 'Type', `${typeWords(o.type)} [${o.type}]`, 'details-type');
    const pos = Number.isFinite(o.lat) && Number.isFinite(o.lon) ? latLonText(o.lat, o.lon) : null;
    const ll = dd(dl, 'Lat/Lon', pos ? pos.decimal : '—', 'details-latlon');
    if (pos) ll.append(el('br'), pos.dms);
    dd(dl, 'MGRS', pos ? mgrsText(o.lat, o.lon) : '—', 'details-mgrs');
    dd(dl, 'Speed', speedText(o.speed), 'details-speed');
    dd(dl, 'Course', courseText(o.course), 'details-course');
    dd(dl, 'Altitude', altText(o.hae));
    if (Number.isFinite(o.ce)) dd(dl, 'Accuracy', `± ${Math.round(o.ce)} m`);
    dd(dl, 'Updated', `${ageText(view.now - o.time)} ago (${utcText(o.time)})`);
    dd(dl, 'Stale at', utcText(o.stale));
    if (o.flight) dd(dl, 'Flight', o.flight, 'details-flight');
    if (o.icao) dd(dl, 'ICAO address', o.icao, 'details-icao');
    if (o.remarks) dd(dl, 'Remarks', o.remarks);
    if (o.team || o.role) dd(dl, 'Team / role', [o.team, o.role].filter(Boolean).join(' / '));
    dd(dl, 'Sender', o.sender || '—');
    dd(dl, 'Groups', Array.isArray(o.groups) && o.groups.length ? o.groups.join(', ') : '—');
    dd(dl, 'UID', o.uid);
    const actions = el('div', 'actions');
    if (o.contact && !o.gone && view.live) {
      const b = el('button', '', 'Chat');
      b.onclick = () => onChat(o.uid);
      actions.append(b);
    }
    if (view.live && onClassify && classifiable(o)) {
      const b = el('button', '', 'Classify');
      b.dataset.testid = 'classify';
      b.title = 'friend, neutral, hostile or suspect, with remarks (audited)';
      b.onclick = () => onClassify(o);
      actions.append(b);
    }
    if (view.live && isWebMarker(o)) {
      const b = el('button', '', 'Delete marker');
      b.dataset.testid = 'marker-delete';
      b.onclick = async () => {
        b.disabled = true;
        const ack = await onDelete(o.uid);
        state.deleteError = ack.ok ? '' : `Delete failed: ${ack.error || 'refused'}`;
        b.disabled = false;
        renderDetails(getView());
      };
      actions.append(b);
    }
    // Actions sit in the title row so they stay visible without scrolling.
    if (actions.childElementCount) head.insertBefore(actions, close);
    const parts = [head];
    if (state.deleteError) parts.push(el('div', 'flag', state.deleteError));
    parts.push(dl);
    details.replaceChildren(...parts);
  }

  let timer = null;
  let last = 0;
  /** Redraws now if the last redraw is a second old, else schedules one. */
  function refresh() {
    const wait = REFRESH_MS - (performance.now() - last);
    if (wait <= 0) {
      draw();
    } else if (!timer) {
      timer = setTimeout(draw, wait);
    }
  }

  function draw() {
    clearTimeout(timer);
    timer = null;
    last = performance.now();
    const view = getView();
    updateGroups(view.objects);
    renderList(view);
    renderDetails(view);
  }

  // Ages and staleness move with the clock even without deltas.
  setInterval(refresh, REFRESH_MS);

  return {
    refresh,
    drawNow: draw,
    /** What the list holds now (filtered and sorted, beyond the rows drawn). */
    listed: () => state.hits || [],
    select(uid) {
      state.selected = uid;
      state.deleteError = '';
      draw();
    },
  };
}
