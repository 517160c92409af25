// Entry point: session and login, then the COP (map, panel, chat, alerts,
// markers, replay, the ops desk and the flows tab) fed by the WebSocket.
import './styles.css';
import { fetchSession, showLogin, logout } from './session.js';
import { LiveState } from './state.js';
import { Feed } from './feed.js';
import { createMap } from './map.js';
import { createPanel } from './panel.js';
import { createChat } from './chat.js';
import { createAlerts } from './alerts.js';
import { createMarkers } from './markers.js';
import { createTools } from './tools.js';
import { createClassify } from './classify.js';
import { createReplay } from './replay.js';
import { createSensors } from './sensors.js';
import { createOps } from './ops.js';
import { createFlows } from './flows.js';
import { createLayers } from './layers.js';
import { createTabs } from './tabs.js';
import { createEventLog } from './eventlog.js';
import { createGoto } from './goto.js';
import { createExport } from './export.js';
import { hmsText, latLonText, mgrsText } from './format.js';

const $ = (id) => document.getElementById(id);

// Test hook (see PROTOCOL.md "Page test hooks"); filled in as parts start.
const wf = {
  map: null,
  objects: new Map(),
  renderedUids: () => [],
  sensors: new Map(),
  frames: 0,
  ready: false,
};
window.__wf = wf;

function setStatus(state) {
  const s = $('conn-status');
  s.dataset.state = state;
  s.textContent = state.toUpperCase();
}

function showIdentity(session) {
  $('sim-band').hidden = !session.simulation;
  const who = $('whoami');
  who.replaceChildren();
  if (session.callsign || session.user) {
    const b = document.createElement('b');
    b.textContent = session.callsign || session.user;
    who.append(b, session.user ? ` (${session.user})` : '', session.team ? ` · ${session.team}` : '');
  }
  who.title = session.version || '';
  $('logout').hidden = !(session.login_required && session.authenticated);
  $('logout').onclick = () => logout();
}

function startCop(session) {
  showIdentity(session);
  const live = new LiveState();
  // What is drawn: the live picture, or a replayed one while replaying.
  const replayView = { active: false, at: 0, objects: new Map() };
  const getView = () =>
    replayView.active
      ? { objects: replayView.objects, now: replayView.at, live: false }
      : { objects: live.objects, now: live.now(), live: true };

  let feed = null;
  const send = (cmd) => (feed ? feed.send(cmd) : Promise.resolve({ ok: false, error: 'not connected' }));

  let panel = null;
  const select = (uid, fly) => {
    mapApi.select(uid);
    panel.select(uid);
    if (fly && uid) {
      const o = getView().objects.get(uid);
      if (o) mapApi.flyTo(o.lat, o.lon);
    }
  };

  const markers = { openAt: () => {} };
  const mapApi = createMap($('map'), session, {
    getView,
    onSelect: (uid) => select(uid, false),
    onMapClick: (lngLat) => markers.openAt(lngLat),
  });
  // Markers this page made; the server names the web user as their sender and
  // gives them `watchfloor-web-marker-` uids, PROTOCOL.md says sender "web".
  const madeHere = new Set();
  const isWebMarker = (o) =>
    madeHere.has(o.uid) || o.sender === 'web' || String(o.uid).startsWith('watchfloor-web-marker-');
  Object.assign(markers, createMarkers({ mapApi, send, onMade: (uid) => madeHere.add(uid) }));
  wf.tools = createTools({ mapApi, send, onMade: (uid) => madeHere.add(uid) });
  // One tool at a time: placing a marker ends a measure or a drawing.
  $('marker-tool').addEventListener('click', () => wf.tools.stop());

  // The side panel's frame: every panel is a tab registered here.
  const tabs = createTabs({ side: $('side'), onResize: () => mapApi.map.resize() });
  tabs.register('picture', { view: $('picture-view') });
  const chat = createChat({ session, send });
  const classify = createClassify();
  panel = createPanel({
    getView,
    onSelect: select,
    onDelete: (uid) => send({ op: 'delete', uid }),
    onChat: (uid) => chat.open(uid),
    onClassify: (o) => classify.open(o),
    isWebMarker,
  });
  let ops = null;
  const alerts = createAlerts({
    locate: (a) => mapApi.flyTo(a.lat, a.lon, 13),
    now: () => live.now(),
    openSuspense: (id) => ops && ops.openSuspense(id),
    ack: (uid) => send({ op: 'ack', uid }),
    soundKey: `watchfloor.alert-sound.${session.user || 'local'}`,
  });

  let connState = 'connecting';
  const replay = createReplay({
    onEnter: () => {
      replayView.active = true;
      replayView.objects = new Map();
      replayView.at = live.now();
      setStatus('replay');
      mapApi.invalidate();
      panel.refresh();
    },
    onLeave: () => {
      replayView.active = false;
      setStatus(connState);
      mapApi.invalidate();
      panel.drawNow();
    },
    onPicture: (at, objects, jumped) => {
      replayView.at = at;
      replayView.objects = new Map(objects.filter((o) => o && o.uid).map((o) => [o.uid, o]));
      mapApi.replayTrack(replayView.objects, jumped);
      mapApi.flushNow();
      panel.drawNow();
    },
  });

  live.on('objects', (changed, removed, snapshot) => {
    wf.objects = live.objects;
    mapApi.track(live.objects, changed, removed, snapshot);
    if (snapshot) chat.syncContacts(live.objects);
    if (!replayView.active) panel.refresh();
  });
  live.on('chat', (msgs, initial) => chat.add(msgs, initial));
  const sensors = createSensors({
    mapApi,
    now: () => live.now(),
    onLocate: (s) => mapApi.flyTo(s.lat, s.lon, 10),
  });
  live.on('sensors', () => {
    wf.sensors = live.sensors;
    sensors.set(live.sensors);
  });
  // The roster, the task board, the suspense board, the order view, the
  // timeline and the units' layer (PROTOCOL.md "Ops desk").
  ops = createOps({
    mapApi,
    tabs,
    onLocate: (u) => mapApi.flyTo(u.position.lat, u.position.lon, 12),
    onSuspenseAlerts: (rows, now) => alerts.setSuspenses(rows, now),
  });
  wf.ops = ops.hook;
  // The analyst's flows tab: made after the ops desk, whose tab switching
  // it joins.
  wf.flows = createFlows({ mapApi, tabs, now: () => live.now(), session }).hook;
  // The layer panel: made after the sensors and the units' layer, whose
  // boxes it holds.
  wf.layers = createLayers({ session, mapApi });
  wf.goto = createGoto({
    flyTo: (lat, lon) => {
      mapApi.flyTo(lat, lon, 13);
      mapApi.pin(lat, lon);
    },
  });
  wireStatusBar(mapApi);
  wf.log = createEventLog({
    live,
    tabs,
    locate: (e) => {
      const o = live.objects.get(e.uid);
      if (o) select(e.uid, true);
      else mapApi.flyTo(e.lat, e.lon, 13);
    },
  });
  wf.export = createExport({ mapApi, session, getView, listed: () => panel.listed() });
  $('side-toggle').addEventListener('click', () => {
    const side = $('side');
    side.classList.toggle('collapsed');
    $('side-toggle').classList.toggle('active', side.classList.contains('collapsed'));
    mapApi.map.resize();
  });
  live.on('notice', (text) => alerts.notice(text));
  live.on('alerts', () => {
    alerts.set(live.alerts);
    mapApi.setAlerts([...live.alerts.values()]);
    const n = live.alerts.size;
    const open = [...live.alerts.values()].filter((a) => !a.ack_by).length;
    const el = $('status-alerts');
    el.dataset.count = String(n);
    el.dataset.open = String(open);
    el.textContent = n ? `${n} alert${n === 1 ? '' : 's'}${open ? `, ${open} not acknowledged` : ', all acknowledged'}` : 'no alerts';
  });
  // Contacts come and go; their chat rooms follow at a calm pace.
  setInterval(() => chat.syncContacts(live.objects), 2000);

  let firstSnapshot = true;
  feed = new Feed({
    onFrame: (frame) => {
      wf.frames = feed.frames;
      live.apply(frame);
      if (frame.t === 'snapshot' && firstSnapshot) {
        firstSnapshot = false;
        markReadyWhenDrawn();
      }
    },
    onState: (state) => {
      connState = state;
      if (!replayView.active) setStatus(state);
    },
  });

  // Ready once the first snapshot's symbols reached the map: the map has
  // loaded and the objects source finished processing data sent after it.
  function markReadyWhenDrawn() {
    const map = mapApi.map;
    const arm = () => {
      // The first view frames what is live (the configured centre stays
      // when nothing is).
      mapApi.frameLive(live.objects, live.now(), [...live.sensors.values()].filter((x) => Number.isFinite(x.lat) && Number.isFinite(x.lon)));
      const onData = (e) => {
        if (e.sourceId === 'objects' && map.isSourceLoaded('objects')) {
          map.off('sourcedata', onData);
          wf.ready = true;
          wf.readyAt = performance.now();
        }
      };
      map.on('sourcedata', onData);
      mapApi.flushNow();
    };
    if (mapApi.loaded) arm();
    else map.once('load', () => setTimeout(arm, 0));
  }

  wf.map = mapApi.map;
  wf.objects = live.objects;
  wf.renderedUids = () => mapApi.renderedUids();
  wf.live = live;
  wf.mapApi = mapApi;
  wf.replay = replay;
  wf.replayView = replayView;
  wf.panelDraw = () => panel.drawNow();

  setInterval(() => {
    // While replaying, the clock shows the replayed time.
    $('clock').textContent = replayView.active ? `${hmsText(replayView.at)} Z ⏵` : `${hmsText(live.now())} Z`;
    $('clock').classList.toggle('replaying', replayView.active);
    const n = getView().objects.size;
    $('status-count').textContent = `${n} object${n === 1 ? '' : 's'}`;
  }, 500);
  feed.connect();
}

// The status bar's read-out of where the cursor is, in the three forms a
// watch floor reads out over the radio, and the zoom.
function wireStatusBar(mapApi) {
  const map = mapApi.map;
  let pending = null;
  map.on('mousemove', (e) => {
    pending = e.lngLat;
    requestAnimationFrame(() => {
      if (!pending) return;
      const { lat, lng } = pending;
      pending = null;
      const t = latLonText(lat, lng);
      $('cursor-latlon').textContent = t.decimal;
      $('cursor-dms').textContent = t.dms;
      $('cursor-mgrs').textContent = mgrsText(lat, lng);
    });
  });
  const zoom = () => {
    $('status-zoom').textContent = `zoom ${map.getZoom().toFixed(1)}`;
  };
  map.on('zoomend', zoom);
  zoom();
}

async function boot() {
  let session;
  for (let attempt = 0; ; attempt++) {
    try {
      session = await fetchSession();
      break;
    } catch (e) {
      setStatus('offline');
      console.warn(`watchfloor: ${e.message}; retrying`);
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
    }
  }
  if (session.login_required && !session.authenticated) session = await showLogin();
  startCop(session);
}

boot();
