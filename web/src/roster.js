// The roster panel: the unit tree from /api/ops/roster, indented by parent,
// with each unit's echelon amplifier, duty status (and a PCA badge when the
// Posse Comitatus Act binds it), PERSTAT strength, USR readiness, where its
// own SA puts it, a STALE flag, and the tasks it is cleared for; totals by
// component and duty status above. A click on a unit with a fix pans to it.
import { ageText, mgrsText, utcText } from './format.js';

/** Duty-status kinds as a watch officer says them (AUTHORITIES.md §1.5). */
const KIND_WORDS = {
  T10: 'T10',
  T32_502f: 'T32 502(f)',
  T32_112: 'T32 112',
  SAD: 'SAD',
  T14_USCG: 'T14 USCG',
  CIVIL_LEA: 'CIVIL LEA',
};

export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

/** "2025-03-01 08:00:00Z" for an ISO instant from the ops views, "—" when absent. */
export function isoText(iso) {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? utcText(ms) : '—';
}

/** "T32 502(f) AZ" for a status, "no status" without one. */
export function statusText(status) {
  if (!status) return 'no status';
  const kind = KIND_WORDS[status.kind] || String(status.kind || '?');
  return status.state ? `${kind} ${status.state}` : kind;
}

/**
 * The units in tree order (each parent followed by its children, depth
 * first) with their depth. The server sends parents before children, level
 * by level; a unit whose parent is not listed counts as a root.
 */
export function treeOrder(units) {
  const ids = new Set(units.map((u) => u.id));
  const kids = new Map();
  const roots = [];
  for (const u of units) {
    if (u.parent && ids.has(u.parent) && u.parent !== u.id) {
      if (!kids.has(u.parent)) kids.set(u.parent, []);
      kids.get(u.parent).push(u);
    } else {
      roots.push(u);
    }
  }
  const out = [];
  const seen = new Set();
  const walk = (u, depth) => {
    if (seen.has(u.id)) return;
    seen.add(u.id);
    out.push({ u, depth });
    for (const k of kids.get(u.id) || []) walk(k, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  // A parent loop would leave units unreached; list them rather than lose them.
  for (const u of units) if (!seen.has(u.id)) walk(u, 0);
  return out;
}

const hasFix = (u) => u.position && Number.isFinite(u.position.lat) && Number.isFinite(u.position.lon);

function strengthCell(u) {
  const s = u.strength;
  const c = el('span', 'strength');
  c.dataset.testid = 'roster-strength';
  if (!s) {
    c.textContent = 'no PERSTAT';
    c.classList.add('dim');
    return c;
  }
  c.textContent = `${s.present_for_duty}/${s.assigned}/${s.authorized}`;
  const pct = s.authorized > 0 ? Math.round((100 * s.present_for_duty) / s.authorized) : null;
  c.title = `present for duty ${s.present_for_duty} / assigned ${s.assigned} / authorized ${s.authorized}`
    + `${pct === null ? '' : ` (${pct}% of authorized)`}; PERSTAT as of ${isoText(s.as_of)}`;
  return c;
}

function readinessCell(u) {
  const r = u.readiness;
  const c = el('span', 'readiness');
  c.dataset.testid = 'roster-readiness';
  if (!r) {
    c.textContent = 'no USR';
    c.classList.add('dim');
    return c;
  }
  c.textContent = `C-${r.c_level}`;
  c.dataset.level = String(r.c_level);
  c.title = `P-${r.p} S-${r.s} R-${r.r} T-${r.t} (personnel, equipment on hand, equipment readiness, training); USR as of ${isoText(r.as_of)}`;
  return c;
}

function locationCell(u, now) {
  const c = el('span', 'location');
  c.dataset.testid = 'roster-location';
  if (!hasFix(u)) {
    c.textContent = 'no SA';
    c.classList.add('dim');
    c.title = u.sa_uid ? `nothing heard from SA uid ${u.sa_uid}` : 'the unit names no SA uid';
    return c;
  }
  const { lat, lon, time } = u.position;
  c.textContent = `${lat.toFixed(4)}, ${lon.toFixed(4)}`;
  const at = Date.parse(time);
  c.title = `${mgrsText(lat, lon)}; SA ${u.sa_uid} at ${isoText(time)}${Number.isFinite(at) ? ` (${ageText(now - at)} ago)` : ''}`;
  return c;
}

function badge(cls, text, testid, title) {
  const b = el('span', `badge ${cls}`, text);
  if (testid) b.dataset.testid = testid;
  if (title) b.title = title;
  return b;
}

function row(u, depth, now, onLocate) {
  const r = el('div', 'roster-row');
  r.dataset.testid = 'roster-row';
  r.dataset.id = u.id;
  r.dataset.status = u.status ? u.status.kind : '';
  r.dataset.stale = String(Boolean(u.stale));
  r.dataset.depth = String(depth);
  r.style.paddingLeft = `${8 + depth * 18}px`;
  r.classList.toggle('stale', Boolean(u.stale));
  const top = el('div', 'line');
  const amp = el('span', 'amp', u.amplifier || '');
  amp.dataset.testid = 'roster-amplifier';
  amp.title = u.echelon ? u.echelon.toLowerCase() : 'no echelon';
  const name = el('b', 'desig', u.designation);
  name.dataset.testid = 'roster-designation';
  name.title = [u.id, u.service, u.component, (u.capabilities || []).join(', ')].filter(Boolean).join(' · ');
  const status = badge(u.status ? 'duty' : 'duty none', statusText(u.status), 'roster-status');
  if (u.status) {
    status.title = `${u.status.order_ref || 'no order reference'}; from ${isoText(u.status.from)}${u.status.to ? ` to ${isoText(u.status.to)}` : ''}`;
  } else {
    status.title = 'no duty status on record: every decision for it goes to legal review';
  }
  top.append(amp, name, status);
  if (u.pca_bound) top.append(badge('pca', 'PCA', 'roster-pca', 'bound by the Posse Comitatus Act (18 U.S.C. 1385) and 10 U.S.C. 275'));
  if (u.stale) top.append(badge('stale', 'STALE', 'roster-stale', u.sa_uid ? `no fresh SA from ${u.sa_uid}` : ''));
  const bottom = el('div', 'line sub');
  const tasks = el('span', 'tasks', (u.tasks || []).length ? u.tasks.join(' ') : 'no task');
  tasks.dataset.testid = 'roster-tasks';
  tasks.title = 'open tasks the unit is cleared for';
  if (!(u.tasks || []).length) tasks.classList.add('dim');
  bottom.append(el('span', 'uid', u.id), strengthCell(u), readinessCell(u), locationCell(u, now), tasks);
  r.append(top, bottom);
  if (hasFix(u)) {
    r.classList.add('located');
    r.onclick = () => onLocate(u);
  }
  return r;
}

function countsText(label, counts) {
  const parts = Object.entries(counts || {}).map(([k, n]) => `${KIND_WORDS[k] || k} ${n}`);
  return parts.length ? `${label}: ${parts.join(' · ')}` : '';
}

/**
 * Wires the roster into `#roster-rows` and `#roster-totals`; `onLocate(unit)`
 * pans the map to a unit that has a fix.
 */
export function createRoster({ onLocate }) {
  const rows = document.getElementById('roster-rows');
  const totals = document.getElementById('roster-totals');
  const count = document.getElementById('roster-count');

  return {
    /** Draws a roster answer. */
    set(roster) {
      const units = Array.isArray(roster.units) ? roster.units : [];
      const now = Date.parse(roster.time) || Date.now();
      rows.replaceChildren(...treeOrder(units).map(({ u, depth }) => row(u, depth, now, onLocate)));
      if (!units.length) rows.append(el('div', 'empty', 'No units on the roster.'));
      const t = roster.totals || {};
      const stale = Number(t.stale) || 0;
      count.textContent = `${units.length} unit${units.length === 1 ? '' : 's'}${stale ? ` · ${stale} stale` : ''}`;
      const lines = [
        countsText('Component', t.by_component),
        countsText('Duty status', t.by_status),
        `Present for duty ${t.present_for_duty ?? 0} of ${t.assigned ?? 0} assigned${stale ? ` · ${stale} STALE` : ''}`,
        countsText('Cleared per task', t.by_task),
        countsText('In task areas', t.by_area),
      ].filter(Boolean);
      totals.replaceChildren(...lines.map((l) => el('div', '', l)));
    },
  };
}
