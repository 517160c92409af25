// Classify a track from its details: the affiliation (friend, neutral,
// hostile, suspect, unknown, pending) and remarks, sent as the ops command
// `classify` to /api/ops/commands, the same path the API takes, so the ops
// desk checks the role and audits it. The track's CoT changes for the field
// (its type's affiliation letter, its remarks) and the picture follows.

import { postJson } from './fetchjson.js';

/** What a page may classify: the tracks watchfloor's tracker publishes (`how` m-f). */
export function classifiable(o) {
  return !!o && o.how === 'm-f' && String(o.type || '').startsWith('a-');
}

const LETTERS = { f: 'friend', n: 'neutral', h: 'hostile', s: 'suspect', u: 'unknown', p: 'pending' };

/** The affiliation a CoT type says (`a-s-G` is suspect). */
export function identityOf(type) {
  const m = /^a-([a-z])-/.exec(String(type || ''));
  return (m && LETTERS[m[1]]) || 'unknown';
}

/** Wires the dialog; `open(object)` shows it for one track. */
export function createClassify() {
  const overlay = document.getElementById('classify-dialog');
  const form = overlay.querySelector('form');
  const err = form.querySelector('.classify-error');
  const what = form.querySelector('.classify-what');
  let uid = null;

  function close() {
    overlay.hidden = true;
    uid = null;
  }

  form.querySelector('.classify-cancel').addEventListener('click', close);
  overlay.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!uid) return;
    const f = form.elements;
    const save = form.querySelector('[data-testid="classify-save"]');
    save.disabled = true;
    const remarks = f.remarks.value.trim();
    const r = await postJson('/api/ops/commands', { op: 'classify', uid, affiliation: f.affiliation.value, remarks: remarks || null });
    save.disabled = false;
    if (r.ok) {
      close();
    } else {
      err.textContent = `Not classified: ${r.message}`;
      err.hidden = false;
    }
  });

  return {
    open(o) {
      uid = o.uid;
      form.reset();
      err.hidden = true;
      what.textContent = `${o.callsign || o.uid} (now ${identityOf(o.type)})`;
      form.elements.affiliation.value = identityOf(o.type);
      overlay.hidden = false;
      form.elements.affiliation.focus();
    },
    close,
  };
}
