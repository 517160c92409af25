// The layer panel: which objects the map draws (field users, units, tracks
// by kind, markers and shapes, sensors), which parts of the base map show
// (place names, counties, the MGRS grid) and which base map lies under them.
// The choice is kept per user in this browser's storage and comes back
// after a reload.
import { kindOf } from './cottypes.js';
import { BASE_GROUPS, basemapChoices, setBasemap, setGroupVisible } from './basemap.js';

/** Which layer an object belongs to; alerts belong to none and always show. */
export function objectLayer(o) {
  const t = String(o.type || '');
  if (t.startsWith('b-a')) return null;
  if (t.startsWith('b-m-p') || t.startsWith('u-d') || t.startsWith('u-r') || !t.startsWith('a-')) return 'markers';
  if (o.contact) return 'contacts';
  const k = kindOf(t);
  return k === 'air' ? 'air' : k === 'ground' ? 'ground' : 'seaother';
}

// The switches, in the panel's order. `el` names a checkbox that already
// exists elsewhere in the page (the sensors' and units' own layers listen
// to it); the others are made here.
const OBJECT_SWITCHES = [
  { key: 'contacts', label: 'Field users (TAK SA)' },
  { key: 'units', label: 'Units (roster)', el: 'unit-layer-toggle' },
  { key: 'air', label: 'Air tracks' },
  { key: 'ground', label: 'Ground tracks' },
  { key: 'seaother', label: 'Sea and other tracks' },
  { key: 'markers', label: 'Markers and shapes' },
  { key: 'sensors', label: 'Sensors and coverage', el: 'sensor-layer-toggle' },
];
const MAP_SWITCHES = [
  { key: 'places', label: 'Place names' },
  { key: 'counties', label: 'Counties' },
  { key: 'grid', label: 'MGRS grid', off: true },
];

/** Where a user's choice is kept. */
export function storageKey(session) {
  return `watchfloor.layers.v1.${session.user || 'local'}`;
}

function load(session) {
  try {
    const v = JSON.parse(window.localStorage.getItem(storageKey(session)) || 'null');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/**
 * Builds the panel into `#layer-panel`, applies the stored choice and keeps
 * it. `mapApi` draws; the base map's parts are switched once the style has
 * loaded. Returns the test hook.
 */
export function createLayers({ session, mapApi }) {
  const map = mapApi.map;
  const panel = document.getElementById('layer-panel');
  const button = document.getElementById('layers-button');
  const saved = load(session);
  const on = { ...(saved.on || {}) };
  const choices = basemapChoices(session);
  // A stored base map the server no longer offers falls back to the first
  // archive, else the outlines.
  const fallback = (choices.find((c) => c.kind !== 'outline') || choices[0]).id;
  let basemap = choices.some((c) => c.id === saved.basemap) ? saved.basemap : fallback;

  const save = () => {
    try {
      window.localStorage.setItem(storageKey(session), JSON.stringify({ on, basemap }));
    } catch {
      // storage full or off: the choice lasts this page only
    }
  };
  const isOn = (sw) => (on[sw.key] === undefined ? !sw.off : on[sw.key]);

  const checkbox = (sw, section) => {
    let input = sw.el ? existing.get(sw.el) : null;
    const label = document.createElement('label');
    label.className = 'check layer-row';
    if (!input) {
      input = document.createElement('input');
      input.type = 'checkbox';
    }
    input.dataset.testid = sw.el || `layer-${sw.key}`;
    input.checked = isOn(sw);
    label.append(input, ` ${sw.label}`);
    section.append(label);
    input.addEventListener('change', () => {
      on[sw.key] = input.checked;
      save();
      apply();
    });
    // The sensors' and units' own layers read their box on change.
    if (sw.el) input.dispatchEvent(new Event('change'));
    return input;
  };

  const head = (text) => {
    const h = document.createElement('div');
    h.className = 'layer-head';
    h.textContent = text;
    panel.append(h);
  };
  // The sensors' and units' boxes live in the panel's markup; keep them.
  const existing = new Map(OBJECT_SWITCHES.filter((s) => s.el).map((s) => [s.el, document.getElementById(s.el)]));
  panel.replaceChildren();
  head('Objects');
  for (const sw of OBJECT_SWITCHES) checkbox(sw, panel);
  head('Map');
  for (const sw of MAP_SWITCHES) checkbox(sw, panel);
  head('Base map');
  for (const c of choices) {
    const label = document.createElement('label');
    label.className = 'check layer-row';
    const r = document.createElement('input');
    r.type = 'radio';
    r.name = 'basemap';
    r.value = c.id;
    r.dataset.testid = `basemap-${c.id}`;
    r.checked = c.id === basemap;
    r.addEventListener('change', () => {
      if (!r.checked) return;
      basemap = c.id;
      save();
      apply();
    });
    const note = c.kind && c.kind !== 'outline' ? ` (${c.kind}${Number.isFinite(c.max_zoom) ? `, to z${c.max_zoom}` : ''})` : '';
    label.append(r, ` ${c.name}${note}`);
    if (c.mapsource) {
      // The same map for the phones: ATAK imports this file as a map source.
      const a = document.createElement('a');
      a.href = c.mapsource;
      a.textContent = 'ATAK';
      a.title = 'the map source file for ATAK (import it on the phone)';
      a.dataset.testid = `mapsource-${c.id}`;
      a.className = 'layer-link';
      label.append(' ', a);
    }
    panel.append(label);
  }

  function apply() {
    const objectsOn = new Set(OBJECT_SWITCHES.filter(isOn).map((s) => s.key));
    mapApi.setShows((o) => {
      const layer = objectLayer(o);
      return layer === null || objectsOn.has(layer);
    });
    if (!mapApi.loaded) return;
    for (const sw of MAP_SWITCHES) if (BASE_GROUPS[sw.key]) setGroupVisible(map, sw.key, isOn(sw));
    setBasemap(map, choices, basemap);
  }

  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    button.classList.toggle('active', !panel.hidden);
  });
  // The object filter now; the base map's parts once its style has loaded.
  apply();
  if (!mapApi.loaded) map.once('load', () => setTimeout(apply, 0));

  return {
    state: () => ({ on: Object.fromEntries([...OBJECT_SWITCHES, ...MAP_SWITCHES].map((s) => [s.key, isOn(s)])), basemap }),
    choices: () => choices.map((c) => c.id),
  };
}
