// Go-to from the search box: a text that reads as a place (MGRS, decimal
// degrees, degrees-minutes-seconds) offers "go to" and Enter flies there,
// leaving a pin; a text that starts like a coordinate and does not read says
// why beneath the box. Anything else is only a search of the list.
import { parseLocation } from './coords.js';
import { mgrsText } from './format.js';

// Looks like someone typing a position, not a callsign: a digit first
// (after an optional sign or hemisphere letter).
const LOOKS_LIKE_POSITION = /^\s*[+-]?[NSEWnsew]?\s*\d/;

/** Wires `#search` and `#goto-msg`; `flyTo(lat, lon)` moves the map and pins. */
export function createGoto({ flyTo }) {
  const input = document.getElementById('search');
  const msg = document.getElementById('goto-msg');
  const state = { last: null };

  function read() {
    const text = input.value.trim();
    if (!text || !LOOKS_LIKE_POSITION.test(text)) return { text, found: null, error: null };
    const r = parseLocation(text);
    return r && !r.error ? { text, found: r, error: null } : { text, found: null, error: (r && r.error) || 'not a position' };
  }

  function show() {
    const { found, error } = read();
    msg.hidden = !found && !error;
    msg.classList.toggle('error', Boolean(error));
    if (found) msg.textContent = `Enter: go to ${found.lat.toFixed(5)}, ${found.lon.toFixed(5)} (${mgrsText(found.lat, found.lon)})`;
    else if (error) msg.textContent = `Not a position: ${error}. MGRS (12R XV 12345 67890), 31.33 -109.2 or 31°19'48"N 109°12'W.`;
  }

  input.addEventListener('input', show);
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const { found } = read();
    if (!found) {
      show();
      return;
    }
    e.preventDefault();
    state.last = found;
    flyTo(found.lat, found.lon);
  });
  return { state, read };
}
