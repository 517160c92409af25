// The side panel's frame: one tab bar, one view shown at a time, each tab
// with the panel width its view needs. Every panel (the picture, the ops
// desk, flows, the event log, and the air cell and missions to come)
// registers here instead of hiding the others itself.

/** The widths a view may ask for, as classes of the side panel. */
const WIDTHS = ['wide', 'flows-wide'];

/**
 * Wires the tab buttons (`[data-tab]`) of `side`; `onResize()` runs when
 * the panel's width changed (the map must resize). Returns
 * `{register(name, {view, width, onShow, onHide}), show(name), current()}`.
 */
export function createTabs({ side, onResize }) {
  const tabs = new Map();
  let current = null;

  function show(name) {
    const next = tabs.get(name);
    if (!next || current === name) return;
    const prev = tabs.get(current);
    current = name;
    for (const [n, t] of tabs) {
      t.view.hidden = n !== name;
      for (const b of document.querySelectorAll(`[data-tab="${n}"]`)) b.classList.toggle('active', n === name);
    }
    const before = side.className;
    for (const w of WIDTHS) side.classList.toggle(w, next.width === w);
    if (side.className !== before) onResize();
    if (prev) prev.onHide();
    next.onShow();
  }

  for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => show(b.dataset.tab));

  return {
    /** Adds a tab: its view element, the width class it needs, what to do when shown and hidden. */
    register(name, { view, width = '', onShow = () => {}, onHide = () => {} }) {
      tabs.set(name, { view, width, onShow, onHide });
      view.hidden = current !== name;
      if (current === null) show(name);
    },
    show,
    current: () => current,
  };
}
