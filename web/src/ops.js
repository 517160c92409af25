// The ops side of the page: the side panel's Picture / Ops tabs, the Ops
// tab's sub-views (Roster & tasks, Suspenses, Orders, Timeline), the ops
// feed, the roster, the task board, the suspense board, the order view, the
// timeline and the units' map layer, and the tab's badge that counts
// refusals and pending reviews so they show from the Picture tab too.
import { getJson, serial } from './fetchjson.js';
import { createOpsFeed } from './opsfeed.js';
import { createRoster } from './roster.js';
import { createBoard } from './tasks.js';
import { createUnitLayer } from './unitlayer.js';
import { createSuspenseBoard } from './suspenses.js';
import { createOrderView } from './orders.js';
import { createTimeline } from './timeline.js';

const $ = (id) => document.getElementById(id);

const STATE_WORDS = {
  down: 'ops desk not running',
  login: 'log in to see the ops desk',
  offline: 'ops desk unreachable; retrying',
  error: 'ops desk answered with an error; retrying',
};

/** The Ops tab's sub-views, by the `data-sub` of their tab button. */
const SUBS = { desk: 'ops-desk', suspenses: 'suspense-view', orders: 'order-view', timeline: 'timeline-view' };

/** The suspense board is refetched this often even without a version bump (its relative times move anyway). */
const SUSPENSE_MS = 60000;


/**
 * Wires the ops panel; `onLocate(unit)` pans the map to a unit's fix,
 * `onSuspenseAlerts(rows, now)` gets the suspenses that are alerts (and
 * `now()`, the server's time) each time the board is fetched.
 */
export function createOps({ mapApi, tabs, onLocate, onSuspenseAlerts = () => {} }) {
  const side = $('side');
  const subTabs = [...document.querySelectorAll('[data-sub]')];
  const stateLine = $('ops-state');
  const body = $('ops-body');
  const hook = { state: 'starting', version: null, roles: [], roster: null, board: null, sub: 'desk', selectedTask: null };

  // The Ops tab, in the side panel's frame; `hook.tab` says what is shown.
  const show = (name) => tabs.show(name);
  tabs.register('ops', {
    view: $('ops-view'),
    width: 'wide',
    onShow: () => {
      hook.tab = 'ops';
      // Opening the Ops tab on the orders or the timeline brings them up to date.
      if (hook.sub === 'orders') orders.refresh();
      if (hook.sub === 'timeline') timeline.refresh();
    },
    onHide: () => {
      hook.tab = tabs.current();
    },
  });
  hook.tab = tabs.current();

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
  // Every command from the ops views: after an accepted one the views are
  // refetched before the promise resolves, so the caller sees the result.
  const post = async (cmd) => {
    const r = await feed.post(cmd);
    if (r.ok) await refreshViews();
    return r;
  };
  const board = createBoard({
    post: (cmd) => feed.post(cmd),
    roles: () => hook.roles,
    onCounts: setCounts,
  });

  /** Selects task `id` on the task board: the Roster & tasks view, the card scrolled to and outlined. */
  function selectTask(id) {
    hook.selectedTask = id;
    showSub('desk');
    const card = markTask();
    card?.scrollIntoView({ block: 'center' });
    return Boolean(card);
  }
  function markTask() {
    let hit = null;
    for (const c of document.querySelectorAll('[data-testid="task-card"]')) {
      const on = c.dataset.id === hook.selectedTask;
      c.classList.toggle('selected', on);
      if (on) hit = c;
    }
    return hit;
  }

  /** A timeline link: the unit on the map, the task on the board, the order or the suspense in its view. */
  function follow(link) {
    if (link.kind === 'unit') {
      const u = (hook.roster?.units || []).find((x) => x.id === link.id);
      if (u && u.position && Number.isFinite(u.position.lat) && Number.isFinite(u.position.lon)) {
        onLocate(u);
        return;
      }
      // No fix to pan to: the unit's row on the roster instead.
      showSub('desk');
      document.querySelector(`[data-testid="roster-row"][data-id="${CSS.escape(link.id)}"]`)?.scrollIntoView({ block: 'center' });
    } else if (link.kind === 'task') {
      selectTask(link.id);
    } else if (link.kind === 'assignment') {
      const t = (hook.board?.tasks || []).find((x) => (x.assignments || []).some((a) => a.id === link.id));
      if (t) selectTask(t.id);
    } else if (link.kind === 'order') {
      openOrder(link.id);
    } else if (link.kind === 'suspense') {
      openSuspense(link.id);
    }
  }

  const suspenses = createSuspenseBoard({
    get: getJson,
    post,
    roles: () => hook.roles,
    onOpenOrder: (id) => openOrder(id),
    onAlerts(rows, now) {
      const b = $('ops-badge-suspense');
      b.textContent = String(rows.length);
      b.hidden = rows.length === 0;
      onSuspenseAlerts(rows, now);
    },
    onBoard(view) {
      hook.suspenses = view;
    },
  });
  const orders = createOrderView({
    get: getJson,
    onOpenSuspense: (id) => openSuspense(id),
    onSelectTask: (id) => selectTask(id),
    onView(view) {
      hook.orders = view;
    },
  });
  const timeline = createTimeline({
    get: getJson,
    onLink: follow,
    onView(view) {
      hook.timeline = view;
    },
  });

  function openSuspense(id) {
    showSub('suspenses');
    return suspenses.open(id);
  }
  function openOrder(id) {
    showSub('orders');
    return orders.open(id);
  }

  // The suspense board always (its alerts show from any tab); the order
  // view and the timeline only while shown.
  const refreshViews = serial(async () => {
    await Promise.all([
      suspenses.refresh(),
      hook.tab === 'ops' && hook.sub === 'orders' ? orders.refresh() : null,
      hook.tab === 'ops' && hook.sub === 'timeline' ? timeline.refresh() : null,
    ]);
  });

  /** Shows sub-view `name` of the Ops tab (and the Ops tab itself unless `reveal` is false). */
  function showSub(name, reveal = true) {
    if (!SUBS[name]) return;
    if (reveal && hook.tab !== 'ops') show('ops');
    for (const t of subTabs) t.classList.toggle('active', t.dataset.sub === name);
    for (const [k, id] of Object.entries(SUBS)) $(id).hidden = k !== name;
    const was = hook.sub;
    hook.sub = name;
    const wider = name !== 'desk';
    if (side.classList.contains('wider') !== wider) {
      side.classList.toggle('wider', wider);
      if (hook.tab === 'ops') mapApi.map.resize();
    }
    if (was !== name && name === 'orders') orders.refresh();
    if (was !== name && name === 'timeline') timeline.refresh();
  }
  for (const t of subTabs) t.addEventListener('click', () => showSub(t.dataset.sub));
  showSub('desk', false);

  feed = createOpsFeed({
    onState(state, why) {
      hook.state = state;
      stateLine.hidden = state === 'live';
      stateLine.dataset.state = state;
      stateLine.textContent = STATE_WORDS[state] || state;
      if (why) stateLine.title = why;
      // What was drawn stays readable, but never passes for current.
      body.classList.toggle('dim', state !== 'live');
      if (state === 'down' || state === 'login') {
        setCounts({ refused: 0, pending: 0 });
        suspenses.clearAlerts();
      }
    },
    onVersion(v) {
      hook.version = v.version;
      const changed = JSON.stringify(v.roles || []) !== JSON.stringify(hook.roles);
      hook.roles = Array.isArray(v.roles) ? v.roles : [];
      hook.actor = v.actor;
      $('ops-actor').textContent = v.actor ? `${v.actor} (${hook.roles.join(', ') || 'no role'})` : '';
      if (changed) {
        board.redraw();
        suspenses.redraw();
      }
      // Every version bump may move a suspense, an order or the timeline.
      refreshViews();
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
      // The board redraws its cards: the selected one stays outlined.
      if (hook.selectedTask) markTask();
    },
  });
  setInterval(() => {
    if (!document.hidden && hook.state === 'live') suspenses.refresh();
  }, SUSPENSE_MS);
  hook.counts = { refused: 0, pending: 0 };
  hook.feed = () => feed.counts();
  hook.show = show;
  hook.showSub = showSub;
  hook.openSuspense = openSuspense;
  hook.openOrder = openOrder;
  hook.selectTask = selectTask;
  hook.refresh = () => refreshViews();
  return { hook, openSuspense, openOrder, selectTask };
}
