// A unit's reporting calendar (unit page): the campaign's days week by week
// under their months' names, each marked with how the unit reported it (on
// time, late, missing; for a unit above others, how many of them were on
// time), corrected days linked to their corrections.
import { $, el, addDays } from './common.js';
import { fmtDate } from './i18n.js';

const MARK = { onTime: '✓', late: '⏱', missing: '✗', partial: '◐', future: '·' };

/**
 * A day's status: for a unit that reports itself, how it reported; for a
 * unit above others, "partial" when some of them were late or missing, and
 * "missing" only when none reported on time.
 */
function statusOf(p) {
  if (!p) return 'future';
  const cv = p.coverage;
  if (cv.total === 0) return 'future';
  if (cv.total > 1) return cv.onTime === cv.total ? 'onTime' : cv.onTime === 0 ? 'missing' : 'partial';
  if (cv.missing) return 'missing';
  if (cv.late) return 'late';
  return 'onTime';
}

/**
 * Draws the calendar of c's days into #legend, #calendar-caption, #cal-head
 * and #cal-rows: each day of points (a unit's series) marked with how it was
 * reported, in lang; w holds the words (st, part, calCaption, weekdays) and
 * fix(day, text) links a corrected day to its corrections.
 */
export function renderCalendar(c, points, lang, w, fix) {
  const byDay = new Map(points.map((p) => [p.date, p]));
  const keys = points.some((p) => p.coverage.total > 1) ? ['onTime', 'partial', 'missing', 'future'] : ['onTime', 'late', 'missing', 'future'];
  $('legend').replaceChildren(...keys.flatMap((k, i) => [i ? ' · ' : '', el('span', { class: 'cal cal-' + k, 'aria-hidden': 'true', text: MARK[k] }), ' ' + w.st[k]]),
    ' · ', el('span', { class: 'cal-fix', 'aria-hidden': 'true', text: '✎' }), ' ' + w.st.corrected);
  $('calendar-caption').textContent = w.calCaption;
  $('cal-head').replaceChildren(el('tr', null, ...w.weekdays.map((d) => el('th', { scope: 'col', text: d }))));
  const rows = [];
  let day = c.startDate;
  // Weeks start on Monday.
  const dow = (d) => (new Date(d + 'T00:00:00Z').getUTCDay() + 6) % 7;
  // A month's name above the week holding its first day (and the first week).
  const monthName = (d) => new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : 'vi-VN', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(d + 'T00:00:00Z'));
  const monthRow = (d) => el('tr', { class: 'cal-month' }, el('td', { colspan: '7', text: monthName(d).replace(/^./, (x) => x.toUpperCase()) }));
  rows.push(monthRow(day));
  let tr = el('tr');
  for (let i = 0; i < dow(day); i++) tr.append(el('td'));
  while (day <= c.endDate) {
    // The week in progress is pushed after: the name goes above it.
    if (day.endsWith('-01') && day !== c.startDate) rows.push(monthRow(day));
    const p = byDay.get(day);
    const s = statusOf(p);
    const cv = p && p.coverage;
    const partial = cv && cv.total > 1;
    const label = `${fmtDate(day, lang)}: ${partial ? w.part(cv.onTime, cv.total) + (cv.late ? `, ${cv.late} ${w.st.late}` : '') + (cv.missing ? `, ${cv.missing} ${w.st.missing}` : '') : w.st[s]}${p && p.corrected ? ', ' + w.st.corrected : ''}`;
    tr.append(el('td', { class: 'cal cal-' + s, title: label, 'data-day': day, 'data-status': s + (p && p.corrected ? ' corrected' : '') },
      el('span', { class: 'd', text: String(+day.slice(8)) }),
      el('span', { 'aria-hidden': 'true', class: 'm', text: partial && s !== 'future' ? `${cv.onTime}/${cv.total}` : MARK[s] }),
      p && p.corrected ? fix(day, '✎') : '',
      el('span', { class: 'sr', text: label })));
    if (dow(day) === 6) {
      rows.push(tr);
      tr = el('tr');
    }
    day = addDays(day, 1);
  }
  if (tr.children.length) rows.push(tr);
  $('cal-rows').replaceChildren(...rows);
}
