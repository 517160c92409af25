// The live picture as the feed tells it: objects, chat, alerts and sensors,
// plus the offset between the server's clock and ours (staleness uses server
// time).

const CHAT_MAX = 5000; // messages kept in total, oldest dropped first
const EVENTS_MAX = 5000; // event log entries kept, oldest dropped first
/** The type of the alert the server raises for a sensor falling silent. */
export const SENSOR_SILENT = 'x-watchfloor-sensor-silent';

/** Holds what the server said and tells listeners what changed. */
export class LiveState {
  constructor() {
    /** @type {Map<string, object>} uid -> Object */
    this.objects = new Map();
    /** @type {Map<string, object>} alert uid -> Alert */
    this.alerts = new Map();
    /** @type {object[]} chat messages, oldest first */
    this.chat = [];
    this.chatIds = new Set();
    /** @type {Map<string, object>} sensor id -> Sensor, config order */
    this.sensors = new Map();
    /** @type {Map<number, object>} serial -> Event (the day's log), oldest first */
    this.events = new Map();
    this.offsetMs = 0; // server now - local now
    this.listeners = { objects: [], chat: [], alerts: [], sensors: [], notice: [], events: [] };
  }

  /** Server time now, ms. */
  now() {
    return Date.now() + this.offsetMs;
  }

  /**
   * Subscribes to 'objects' (changed uids, removed uids, snapshot flag), 'chat' (new messages),
   * 'alerts', 'sensors', 'events' (the log grew) or 'notice' (a line of text: a silent sensor
   * speaks again).
   */
  on(what, fn) {
    this.listeners[what].push(fn);
  }

  emit(what, ...args) {
    for (const fn of this.listeners[what]) fn(...args);
  }

  /** Applies one server frame (snapshot or delta). */
  apply(frame) {
    if (typeof frame.now === 'number') this.offsetMs = frame.now - Date.now();
    if (frame.t === 'snapshot') {
      const old = this.objects;
      this.objects = new Map();
      for (const o of frame.objects || []) if (o && o.uid) this.objects.set(o.uid, o);
      const removed = [...old.keys()].filter((u) => !this.objects.has(u));
      this.alerts = new Map();
      for (const a of frame.alerts || []) if (a && a.uid) this.alerts.set(a.uid, a);
      this.chat = [];
      this.chatIds = new Set();
      const fresh = this.addChat(frame.chat || []);
      this.emit('objects', [...this.objects.keys()], removed, true);
      this.emit('chat', fresh, true);
      this.emit('alerts');
      this.sensors = new Map();
      for (const s of frame.sensors || []) if (s && s.id) this.sensors.set(s.id, s);
      this.emit('sensors');
      this.events = new Map();
      this.addEvents(frame.events);
      this.emit('events');
      return;
    }
    if (frame.t !== 'delta') return;
    const changed = [];
    for (const o of frame.upsert || []) {
      if (!o || !o.uid) continue;
      this.objects.set(o.uid, o);
      changed.push(o.uid);
    }
    const removed = [];
    for (const uid of frame.remove || []) if (this.objects.delete(uid)) removed.push(uid);
    if (changed.length || removed.length) this.emit('objects', changed, removed, false);
    const fresh = this.addChat(frame.chat || []);
    if (fresh.length) this.emit('chat', fresh, false);
    let alertsChanged = false;
    for (const a of frame.alerts || []) {
      if (a && a.uid) {
        this.alerts.set(a.uid, a);
        alertsChanged = true;
      }
    }
    if (Array.isArray(frame.sensors) && frame.sensors.length) {
      for (const s of frame.sensors) if (s && s.id) this.sensors.set(s.id, s);
      this.emit('sensors');
    }
    for (const uid of frame.cleared || []) {
      const a = this.alerts.get(uid);
      if (a && a.type === SENSOR_SILENT) {
        const s = this.sensors.get(a.from);
        this.emit('notice', `${a.from} ${s && s.status !== 'silent' ? s.status : 'heard from'} again`);
      }
      alertsChanged = this.alerts.delete(uid) || alertsChanged;
    }
    if (alertsChanged) this.emit('alerts');
    if (this.addEvents(frame.events)) this.emit('events');
  }

  /** Adds log entries not seen before (a delta may repeat the snapshot's last); whether any were new. */
  addEvents(list) {
    let fresh = false;
    for (const e of Array.isArray(list) ? list : []) {
      if (!e || !Number.isFinite(e.serial) || this.events.has(e.serial)) continue;
      this.events.set(e.serial, e);
      fresh = true;
    }
    while (this.events.size > EVENTS_MAX) this.events.delete(this.events.keys().next().value);
    return fresh;
  }

  /** Appends messages not seen before; returns them. */
  addChat(msgs) {
    const fresh = [];
    for (const m of msgs) {
      if (!m || this.chatIds.has(m.id)) continue;
      this.chatIds.add(m.id);
      this.chat.push(m);
      fresh.push(m);
    }
    if (this.chat.length > CHAT_MAX) {
      for (const m of this.chat.splice(0, this.chat.length - CHAT_MAX)) this.chatIds.delete(m.id);
    }
    return fresh;
  }
}

/** Whether an object is stale at server time `now`. */
export function isStale(o, now) {
  return typeof o.stale === 'number' && now >= o.stale;
}
