// The "Place marker" tool: a click on the map opens a dialog, saving sends
// `op: marker`; the server's ack decides whether the dialog closes.

/**
 * Wires the tool; `mapApi` is from createMap, `send(cmd)` resolves with the
 * ack, `onMade(uid)` hears of each marker the server accepted.
 */
export function createMarkers({ mapApi, send, onMade }) {
  const tool = document.getElementById('marker-tool');
  const overlay = document.getElementById('marker-dialog');
  const form = overlay.querySelector('form');
  const err = form.querySelector('.marker-error');
  const pos = form.querySelector('.marker-pos');
  let at = null;

  function setTool(on) {
    tool.classList.toggle('active', on);
    mapApi.setPlacing(on);
  }
  tool.addEventListener('click', () => setTool(!mapApi.placing));

  function close() {
    overlay.hidden = true;
    at = null;
  }

  /** Opens the dialog for a map click at `lngLat`. */
  function openAt(lngLat) {
    at = { lat: lngLat.lat, lon: lngLat.lng };
    setTool(false);
    form.reset();
    err.hidden = true;
    pos.textContent = `${at.lat.toFixed(5)}, ${at.lon.toFixed(5)}`;
    overlay.hidden = false;
    form.elements.label.focus();
  }

  form.querySelector('.marker-cancel').addEventListener('click', close);
  overlay.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!at) return;
    const f = form.elements;
    const label = f.label.value.trim();
    if (!label) {
      err.textContent = 'A label is needed.';
      err.hidden = false;
      return;
    }
    const cmd = {
      op: 'marker',
      lat: at.lat,
      lon: at.lon,
      label,
      affiliation: f.affiliation.value,
      kind: f.kind.value,
      remarks: f.remarks.value.trim(),
    };
    const save = form.querySelector('[data-testid="marker-save"]');
    save.disabled = true;
    const ack = await send(cmd);
    save.disabled = false;
    if (ack.ok) {
      if (ack.uid) onMade(ack.uid);
      close();
    } else {
      err.textContent = `Not saved: ${ack.error || 'refused by the server'}`;
      err.hidden = false;
    }
  });

  return { openAt, close };
}
