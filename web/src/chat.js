// GeoChat: rooms (All Chat Rooms, the user's team, one per contact), messages
// per room, unread markers, sending with the server's ack shown on failure.
import { hmsText, naturalCompare } from './format.js';

const ALL = 'All Chat Rooms';
const SHOWN_MAX = 500; // messages drawn for the open room

const $ = (id) => document.getElementById(id);

/**
 * Wires the chat box. `send(cmd)` sends a command and resolves with its ack;
 * `me` is the Session (its uid marks our own messages).
 */
export function createChat({ session, send }) {
  const select = $('chat-room');
  const box = $('chat-messages');
  const input = $('chat-input');
  const error = $('chat-error');
  const unreadDot = $('chat-unread');
  /** room_id -> {name, messages: [], unread: number, contact: bool} */
  const rooms = new Map();
  let current = ALL;
  let roomSig = '';

  function room(id, name) {
    let r = rooms.get(id);
    if (!r) {
      r = { name: name || id, messages: [], unread: 0 };
      rooms.set(id, r);
    } else if (name && r.name === id) {
      r.name = name;
    }
    return r;
  }
  room(ALL, ALL);
  if (session.team) room(session.team, `Team ${session.team}`);

  function renderRooms() {
    // A stable order a watch officer can learn: All Chat Rooms, the team,
    // then every other room by name in natural order (not arrival order).
    const fixed = [ALL, session.team].filter((id) => id && rooms.has(id));
    const rest = [...rooms.keys()].filter((id) => !fixed.includes(id));
    rest.sort((a, b) => naturalCompare(rooms.get(a).name, rooms.get(b).name) || (a < b ? -1 : a > b ? 1 : 0));
    const ids = [...fixed, ...rest];
    const sig = ids.map((id) => `${id}\u0000${rooms.get(id).name}\u0000${rooms.get(id).unread}`).join('\u0001');
    if (sig === roomSig) return;
    roomSig = sig;
    const opts = ids.map((id) => {
      const r = rooms.get(id);
      const o = new Option(r.unread ? `● ${r.name} (${r.unread})` : r.name, id);
      if (r.unread) o.className = 'unread';
      return o;
    });
    select.replaceChildren(...opts);
    select.value = current;
    unreadDot.hidden = ![...rooms.values()].some((r) => r.unread > 0);
  }

  function renderMessages() {
    const r = rooms.get(current);
    const msgs = r ? r.messages.slice(-SHOWN_MAX) : [];
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    box.replaceChildren(
      ...msgs.map((m) => {
        const d = document.createElement('div');
        d.className = 'chat-message';
        if (m.from_uid === session.uid) d.classList.add('mine');
        d.dataset.testid = 'chat-message';
        d.dataset.roomId = m.room_id;
        d.dataset.fromUid = m.from_uid || '';
        const t = document.createElement('span');
        t.className = 't';
        t.textContent = hmsText(m.time);
        const who = document.createElement('span');
        who.className = 'who';
        who.textContent = `${m.from || m.from_uid || '?'}: `;
        d.append(t, who, document.createTextNode(m.text || ''));
        return d;
      }),
    );
    if (atBottom || msgs.length < 20) box.scrollTop = box.scrollHeight;
  }

  /** Files messages into rooms; `initial` (a snapshot) marks nothing unread. */
  function add(msgs, initial) {
    if (initial) for (const r of rooms.values()) r.messages = [];
    let touchedCurrent = false;
    for (const m of msgs) {
      const id = m.room_id || ALL;
      const name = id === ALL ? ALL : m.room || id;
      const r = room(id, id === session.team ? `Team ${id}` : name);
      r.messages.push(m);
      if (r.messages.length > 2000) r.messages.splice(0, r.messages.length - 2000);
      if (id === current) touchedCurrent = true;
      else if (!initial && m.from_uid !== session.uid) r.unread += 1;
    }
    renderRooms();
    if (touchedCurrent || initial) renderMessages();
  }

  /** Keeps one direct room per contact (called with the live objects). */
  function syncContacts(objects) {
    for (const o of objects.values()) {
      if (o.contact && o.uid !== session.uid) room(o.uid, o.callsign || o.uid).contact = true;
    }
    renderRooms();
  }

  function open(id) {
    current = id;
    const r = rooms.get(id);
    if (r) r.unread = 0;
    renderRooms();
    select.value = id;
    renderMessages();
  }

  select.addEventListener('change', () => open(select.value));

  async function submit() {
    const text = input.value.trim();
    if (!text) return;
    error.hidden = true;
    const ack = await send({ op: 'chat', room_id: current, text });
    if (ack.ok) {
      input.value = '';
    } else {
      error.textContent = `Not sent: ${ack.error || 'refused by the server'}`;
      error.hidden = false;
    }
  }
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });

  renderRooms();
  return { add, syncContacts, open, rooms };
}
