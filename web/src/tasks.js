// The task board from /api/ops/board: one card per task (id, title, status,
// window, required activities), then per assignment and element the
// decision in colour (ALLOWED green, NEEDS_REVIEW amber, REFUSED red) with
// each activity's rule id, citation and reason, counsel's review (who, when,
// the outcome, why, and the engine's reasons it answered) or, for an
// element still waiting for one, the basis counsel must answer, and what
// was sent to the field and answered. Cards with refusals or pending
// reviews come first and are flagged; the open legal reviews are listed
// with their due time. With the legal role, an element waiting for review
// has Allow / Refuse buttons that ask for the reason and post the review.
import { el, isoText } from './roster.js';

const OUTCOME_WORDS = { ALLOWED: 'ALLOWED', NEEDS_REVIEW: 'NEEDS REVIEW', REFUSED: 'REFUSED' };
const WARNING_WORDS = { NONE: '', SEVEN_DAYS: 'due within 7 days', ONE_DAY: 'due within a day', DUE: 'DUE NOW', OVERDUE: 'OVERDUE' };

function outcomeBadge(outcome, testid) {
  const b = el('span', `outcome ${String(outcome || '').toLowerCase()}`, OUTCOME_WORDS[outcome] || String(outcome || '?'));
  if (testid) b.dataset.testid = testid;
  return b;
}

/** Flagged cards first: pending reviews, then refusals; the server's order (newest id last) within. */
function rank(t) {
  if (t.pending_review > 0) return 0;
  if (t.refused > 0) return 1;
  return 2;
}

function windowText(w) {
  if (!w) return '';
  return `${isoText(w.from)} → ${w.to ? isoText(w.to) : 'open-ended'}`;
}

/**
 * The reasons a review answers, as the engine writes a review's `basis`:
 * every activity not allowed, `ACTIVITY:OUTCOME:RULE`, comma-separated.
 */
export function reviewBasis(e) {
  return (e.activities || [])
    .filter((d) => d.outcome !== 'ALLOWED')
    .map((d) => `${d.activity}:${d.outcome}:${d.rule}`)
    .join(',');
}

/** One `ACTIVITY:OUTCOME:RULE` of a basis as a line for people. */
function basisItem(part) {
  const [activity, outcome, rule] = part.split(':');
  const li = el('li');
  li.append(el('b', '', activity || part), ' ', outcomeBadge(outcome), ' ', el('code', 'rule', rule || ''));
  return li;
}

/** The basis a review must answer (or answered), `testid` on its box. */
function basisBox(label, basis, testid) {
  const box = el('div', 'basis');
  box.dataset.testid = testid;
  box.dataset.basis = basis;
  box.title = basis;
  box.append(el('span', 'basis-label', label));
  const list = el('ul', 'basis-list');
  for (const part of basis.split(',').filter(Boolean)) list.append(basisItem(part));
  if (!list.children.length) list.append(el('li', 'dim', 'nothing'));
  box.append(list);
  return box;
}

function answerText(a) {
  if (!a) return '';
  if (a.answer === 'CANTCO') return `CANTCO${a.reason ? `: ${a.reason}` : ''}`;
  return a.answer;
}

/**
 * Wires the board into `#board-cards` and `#board-reviews`. `post(cmd)`
 * sends a command (resolves {ok, message}); `roles()` gives the caller's
 * roles; `onCounts({refused, pending})` updates the tab badge.
 */
export function createBoard({ post, roles, onCounts }) {
  const cards = document.getElementById('board-cards');
  const reviews = document.getElementById('board-reviews');
  const count = document.getElementById('board-count');
  const errors = new Map(); // `${assignment}.${element}` -> message of a refused review
  const busy = new Set(); // reviews being posted
  let board = null;

  async function review(assignment, element, outcome, basis) {
    const answers = basis ? ` (it answers ${basis.split(',').join(', ')})` : '';
    const reason = window.prompt(`${OUTCOME_WORDS[outcome]} for ${element} on ${assignment}${answers}: the reason, with its basis`);
    if (reason === null) return;
    const key = `${assignment}.${element}`;
    if (!reason.trim()) {
      errors.set(key, 'a review needs a reason');
      draw();
      return;
    }
    busy.add(key);
    errors.delete(key);
    draw();
    const r = await post({ op: 'review', assignment, element, outcome, reason: reason.trim() });
    busy.delete(key);
    if (!r.ok) errors.set(key, r.message || 'refused');
    draw();
  }

  function elementBox(a, e, legal) {
    const key = `${a.id}.${e.element}`;
    const box = el('div', `element ${String(e.outcome).toLowerCase()}`);
    box.dataset.testid = 'element';
    box.dataset.element = e.element;
    box.dataset.outcome = e.outcome;
    const head = el('div', 'e-head');
    head.append(el('b', '', e.element), el('span', 'dim', e.status ? ` (${e.status})` : ' (no status)'), outcomeBadge(e.outcome, 'element-outcome'));
    if (e.engine && e.engine !== e.outcome) head.append(el('span', 'dim', ` engine: ${OUTCOME_WORDS[e.engine] || e.engine}`));
    const field = el('span', 'field', e.answer ? answerText(e.answer) : e.sent ? 'sent to the field' : 'not sent');
    field.dataset.testid = 'element-field';
    head.append(field);
    box.append(head);
    const list = el('ul', 'decisions');
    for (const d of e.activities || []) {
      const li = el('li', String(d.outcome).toLowerCase());
      li.dataset.testid = 'activity-decision';
      li.dataset.activity = d.activity;
      li.dataset.outcome = d.outcome;
      const line = el('div');
      const rule = el('code', 'rule', d.rule);
      rule.dataset.testid = 'decision-rule';
      const cite = el('cite', '', d.citation || 'no citation');
      cite.dataset.testid = 'decision-citation';
      line.append(el('b', '', d.activity), ' ', outcomeBadge(d.outcome), ' ', rule, ' ', cite);
      const reason = el('div', 'reason', d.reason);
      reason.dataset.testid = 'decision-reason';
      li.append(line, reason);
      list.append(li);
    }
    box.append(list);
    if (e.review) {
      const r = e.review;
      const rv = el('div', 'review');
      rv.dataset.testid = 'element-review';
      const part = (tag, cls, text, testid) => {
        const x = el(tag, cls, text);
        x.dataset.testid = testid;
        return x;
      };
      const at = part('time', '', isoText(r.at), 'review-at');
      if (r.at) at.dateTime = r.at;
      const why = part('span', 'review-reason', r.reason || 'no reason given', 'review-reason');
      rv.append('Reviewed by ', part('b', '', r.by, 'review-by'), ' at ', at, ': ', outcomeBadge(r.outcome, 'review-outcome'), ' ', why);
      box.append(rv);
      if (r.basis) box.append(basisBox('Answering:', r.basis, 'review-basis'));
    } else if (e.outcome === 'NEEDS_REVIEW') {
      box.append(basisBox('For counsel to answer:', reviewBasis(e), 'element-basis'));
    }
    if (e.outcome === 'NEEDS_REVIEW' && legal) {
      const actions = el('div', 'review-actions');
      for (const [outcome, word, testid] of [['ALLOWED', 'Allow…', 'review-allow'], ['REFUSED', 'Refuse…', 'review-refuse']]) {
        const b = el('button', testid, word);
        b.type = 'button';
        b.dataset.testid = testid;
        b.disabled = busy.has(key);
        b.onclick = () => review(a.id, e.element, outcome, reviewBasis(e));
        actions.append(b);
      }
      box.append(actions);
    }
    if (errors.has(key)) {
      const err = el('div', 'review-error', errors.get(key));
      err.dataset.testid = 'review-error';
      box.append(err);
    }
    return box;
  }

  function card(t, legal) {
    const c = el('article', 'task-card');
    c.dataset.testid = 'task-card';
    c.dataset.id = t.id;
    c.dataset.status = t.status;
    c.dataset.refused = String(t.refused || 0);
    c.dataset.pending = String(t.pending_review || 0);
    c.classList.toggle('has-review', t.pending_review > 0);
    c.classList.toggle('has-refused', t.refused > 0);
    c.classList.toggle('over', t.status === 'COMPLETE' || t.status === 'CANCELLED');
    const head = el('header');
    const status = el('span', `task-status ${String(t.status).toLowerCase()}`, t.status);
    status.dataset.testid = 'task-status';
    head.append(el('b', 'task-id', t.id), el('span', 'task-title', t.title), status);
    if (t.pending_review > 0) head.append(el('span', 'flag review', `${t.pending_review} REVIEW`));
    if (t.refused > 0) head.append(el('span', 'flag refused', `${t.refused} REFUSED`));
    c.append(head);
    const meta = [t.agency, windowText(t.window), t.splittable === false ? 'not splittable' : '', t.area ? `area of ${t.area.length} points` : '']
      .filter(Boolean).join(' · ');
    c.append(el('div', 'meta', meta));
    const acts = (t.requires || []).map((r) => (r.conditions && r.conditions.length ? `${r.activity} [${r.conditions.join(', ')}]` : r.activity));
    const req = el('div', 'requires', acts.join(' · '));
    req.dataset.testid = 'task-activities';
    c.append(req);
    if (!(t.assignments || []).length) c.append(el('div', 'dim', 'Not assigned.'));
    for (const a of t.assignments || []) {
      const box = el('div', 'assignment');
      box.dataset.testid = 'assignment';
      box.dataset.id = a.id;
      box.dataset.outcome = a.outcome;
      const ah = el('div', 'a-head');
      ah.append(el('b', '', `${a.id} → ${a.assignee}`), outcomeBadge(a.outcome, 'assignment-outcome'));
      ah.title = `evaluated ${isoText(a.evaluated_at)} for ${isoText(a.decided_for)}: ${a.why}; rule set ${String(a.rule_set || '').slice(0, 12)}`;
      box.append(ah);
      for (const e of a.elements || []) box.append(elementBox(a, e, legal));
      c.append(box);
    }
    return c;
  }

  function reviewRow(r, taskOf) {
    const row = el('div', `review-row ${String(r.warning || '').toLowerCase()}`);
    row.dataset.testid = 'review-row';
    row.dataset.subject = r.subject;
    row.dataset.warning = r.warning;
    const task = taskOf.get(r.subject);
    const warn = WARNING_WORDS[r.warning] ?? String(r.warning || '');
    row.append(
      el('b', '', r.subject),
      el('span', '', task ? ` ${task.id}: ${task.title}` : ''),
      el('span', 'due', ` due ${isoText(r.due)}`),
      el('span', 'dim', ` · ${r.owner} · ${r.status}`),
    );
    if (warn) row.append(el('span', 'warn', ` · ${warn}`));
    if (task) {
      row.classList.add('located');
      row.onclick = () => cards.querySelector(`[data-testid="task-card"][data-id="${CSS.escape(task.id)}"]`)?.scrollIntoView({ block: 'nearest' });
    }
    return row;
  }

  function draw() {
    if (!board) return;
    const legal = roles().includes('legal');
    const tasks = (board.tasks || []).map((t, i) => ({ t, i }));
    tasks.sort((x, y) => rank(x.t) - rank(y.t) || x.i - y.i);
    cards.replaceChildren(...tasks.map(({ t }) => card(t, legal)));
    if (!tasks.length) cards.append(el('div', 'empty', 'No tasks on the board.'));
    const taskOf = new Map();
    for (const t of board.tasks || []) for (const a of t.assignments || []) taskOf.set(a.id, t);
    const open = board.reviews || [];
    reviews.replaceChildren(el('div', 'reviews-head', open.length ? `Open legal reviews (${open.length})` : 'No open legal reviews'),
      ...open.map((r) => reviewRow(r, taskOf)));
    const refused = (board.tasks || []).reduce((n, t) => n + (t.refused || 0), 0);
    const pending = (board.tasks || []).reduce((n, t) => n + (t.pending_review || 0), 0);
    count.textContent = `${(board.tasks || []).length} task${(board.tasks || []).length === 1 ? '' : 's'}`;
    onCounts({ refused, pending });
  }

  return {
    /** Draws a board answer. */
    set(next) {
      board = next;
      draw();
    },
    /** Redraws (the caller's roles changed). */
    redraw: draw,
  };
}
