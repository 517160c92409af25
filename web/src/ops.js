// The ops side of the page: the side panel's Picture / Ops tabs, the ops
// feed, the roster, the task board and the units' map layer, and the tab's
// badge that counts refusals and pending reviews so they show from the
// Picture tab too.
import { createOpsFeed } from './opsfeed.js';
import { createRoster } from './roster.js';
import { createBoard } from './tasks.js';
import { createUnitLayer } from './unitlayer.js';

const $ = (id) => document.getElementById(id);

const STATE_WORDS = {
  down: 'ops desk not running',
  login: 'log in to see the ops desk',
  offline: 'ops desk unreachable; retrying',
  error: 'ops desk answered with an error; retrying',
};

/** Wires the ops panel; `onLocate(unit)` pans the map to a unit's fix. */
export function createOps({ mapApi, onLocate }) {
  const side = $('side');
  const tabs = [...document.querySelectorAll('[data-tab]')];
  const views = { picture: $('picture-view'), ops: $('ops-view') };
  const stateLine = $('ops-state');
  const body = $('ops-body');
  const hook = { state: 'starting', version: null, roles: [], roster: null, board: null };

  function show(name) {
    for (const t of tabs) t.classList.toggle('active', t.dataset.tab === name);
    for (const [k, v] of Object.entries(views)) v.hidden = k !== name;
    const wide = name === 'ops';
    if (side.classList.contains('wide') !== wide) {
      side.classList.toggle('wide', wide);
      mapApi.map.resize();
    }
    hook.tab = name;
  }
  for (const t of tabs) t.addEventListener('click', () => show(t.dataset.tab));
  show('picture');

  function setCounts({ refused, pending }) {
    for (const [id, n] of [['ops-badge-refused', refused], ['ops-badge-review', pending]]) {
      const b = $(id);
      b.textContent = String(n);
      b.hidden = n === 0;
    }
    hook.counts = { refused, pending };
  }

  const layer = createUnitLayer({ mapApi });
  const roster = createRoster({ onLocate });
  let feed = null;
  const board = createBoard({
    post: (cmd) => feed.post(cmd),
    roles: () => hook.roles,
    onCounts: setCounts,
  });
  feed = createOpsFeed({
    onState(state, why) {
      hook.state = state;
      stateLine.hidden = state === 'live';
      stateLine.dataset.state = state;
      stateLine.textContent = STATE_WORDS[state] || state;
      if (why) stateLine.title = why;
      // What was drawn stays readable, but never passes for current.
      body.classList.toggle('dim', state !== 'live');
      if (state === 'down' || state === 'login') setCounts({ refused: 0, pending: 0 });
    },
    onVersion(v) {
      hook.version = v.version;
      const changed = JSON.stringify(v.roles || []) !== JSON.stringify(hook.roles);
      hook.roles = Array.isArray(v.roles) ? v.roles : [];
      hook.actor = v.actor;
      $('ops-actor').textContent = v.actor ? `${v.actor} (${hook.roles.join(', ') || 'no role'})` : '';
      if (changed) board.redraw();
    },
    onRoster(r) {
      hook.roster = r;
      roster.set(r);
      layer.set(r.units);
      const rs = r.rule_set || {};
      $('ops-rules').textContent = rs.version ? `rules ${rs.version}` : '';
      $('ops-rules').title = rs.hash ? `rule set SHA-256 ${rs.hash}` : '';
    },
    onBoard(b) {
      hook.board = b;
      board.set(b);
    },
  });
  hook.counts = { refused: 0, pending: 0 };
  hook.feed = () => feed.counts();
  hook.show = show;
  return { hook };
}
