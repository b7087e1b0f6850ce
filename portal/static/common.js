// What every portal page shares: building elements, state in the URL, days,
// names, the header (navigation and the language switch, which keeps the page
// and its state), the trust footer, a render's cycle and the small widgets of
// a ranking (band badge, rate bar, rank change, corrected rows).
import { ApiError, gql, cached } from './api.js';
import { words, fmtDate, LICENCE } from './i18n.js';

export const $ = (id) => document.getElementById(id);
export const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const LEVELS = ['PROVINCE', 'DISTRICT', 'COMMUNE'];

/** Makes an element: attrs (class, text, or attributes; null/false skipped) and children. */
export function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k != null && k !== false && k !== '') e.append(k);
  return e;
}

// ---- State in the URL ----

/**
 * The page's state: lang ('vi' or 'en') and, for each key, the query
 * parameter's value ('' when absent; keys named date must be YYYY-MM-DD).
 */
export function readParams(keys) {
  const q = new URLSearchParams(location.search);
  const st = { lang: q.get('lang') === 'en' ? 'en' : 'vi' };
  for (const k of keys) {
    const v = q.get(k) || '';
    st[k] = k === 'date' && !DAY.test(v) ? '' : v;
  }
  return st;
}

/** The URL of this page with the state of keys changed by patch (empty values dropped). */
export function urlWith(keys, patch, path = location.pathname) {
  const st = { ...readParams(keys), ...patch };
  return pageURL(path, Object.fromEntries(keys.map((k) => [k, st[k]])), st.lang);
}

/** A link to another portal page (a file next to this one) with params and the language. */
export function pageURL(file, params, lang) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v != null && v !== '') q.set(k, v);
  if (lang === 'en') q.set('lang', 'en');
  const s = q.toString();
  return (file || './') + (s ? '?' + s : '');
}

// ---- Days ----

/** Today in Vietnam, YYYY-MM-DD. */
export function today() {
  const p = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(new Date())) p[type] = value;
  return `${p.year}-${p.month}-${p.day}`;
}

export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export const clamp = (day, lo, hi) => (day < lo ? lo : day > hi ? hi : day);

// ---- Names ----

export const nameOf = (x, lang) => (lang === 'en' && x.nameEn) || x.name;
export const unitName = (u, lang) => (lang === 'en' && u.nameEn) || u.fullName;
export const metricName = (m, lang) => (lang === 'en' ? m.nameEn || m.nameVi : m.nameVi);
export const labelOf = (x, lang) => (lang === 'en' && x.labelEn) || x.labelVi;

// ---- The header ----

function lookup(w, key) {
  return key.split('.').reduce((o, k) => (o == null ? o : o[k]), w);
}

/**
 * Puts the page's words in place (elements with data-t / data-t-label),
 * marks the current page in the navigation, carries the language on every
 * portal link of the header and footer, and points the language switch at
 * this page in the other language.
 */
export function applyWords(st, page) {
  const w = words(st.lang);
  scrollersFocusable();
  document.documentElement.lang = w.htmlLang;
  for (const e of document.querySelectorAll('[data-t]')) {
    const v = lookup(w, e.dataset.t);
    if (typeof v === 'string') e.textContent = v;
  }
  for (const e of document.querySelectorAll('[data-t-label]')) {
    const v = lookup(w, e.dataset.tLabel);
    if (typeof v === 'string') e.setAttribute('aria-label', v);
  }
  for (const a of document.querySelectorAll('a[data-page]')) {
    const u = new URL(a.getAttribute('href'), location.href);
    if (st.lang === 'en') u.searchParams.set('lang', 'en');
    else u.searchParams.delete('lang');
    a.href = u.pathname + u.search;
    if (a.dataset.page === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const sw = $('lang-switch');
  if (sw) {
    const u = new URL(location.href);
    if (st.lang === 'en') u.searchParams.delete('lang');
    else u.searchParams.set('lang', 'en');
    sw.textContent = w.otherLang;
    sw.lang = sw.hreflang = w.otherLangCode;
    sw.href = u.pathname + u.search;
  }
  renderTrust(st);
  return w;
}

// ---- Trust: the demo notice, the licence, how to cite, corrections ----

let dataset = null; // the API's { demo contact }, once read
let citeWatch = null;

/**
 * Puts the trust information on the page: a banner atop the main content when
 * the API runs on demo data, and in the footer the licence, how to cite the
 * page (its title, its URL, which holds its whole state, and today's date)
 * and the corrections line. The citation follows the page's title.
 */
function renderTrust(st) {
  const w = words(st.lang);
  const foot = document.querySelector('footer.foot');
  if (!foot) return;
  let box = $('trust');
  if (!box) foot.append(box = el('div', { id: 'trust', class: 'trust small' }));
  const cite = () => { const c = $('cite'); if (c) c.textContent = w.trust.cite(document.title, location.href, fmtDate(today(), st.lang)); };
  const draw = (ds) => {
    let banner = $('demo-banner');
    if (ds && ds.demo && !banner) {
      banner = el('p', { id: 'demo-banner', class: 'demo-banner', role: 'note' });
      // First in the main landmark, so that no content is outside one.
      const main = document.querySelector('main');
      if (main) main.prepend(banner);
      else (document.querySelector('header.top') || foot).after(banner);
    }
    if (banner) {
      banner.hidden = !(ds && ds.demo);
      banner.textContent = w.demo;
    }
    box.replaceChildren(
      el('p', null, w.trust.licence, el('a', { rel: 'license', href: LICENCE.url }, LICENCE.name), w.trust.reuse),
      el('p', { id: 'cite' }),
      el('p', null, w.trust.fix, ds && ds.contact ? ' ' + w.trust.report + ds.contact : ''));
    cite();
  };
  draw(dataset);
  if (!dataset) {
    cached('dataset', () => gql('query Dataset { dataset { demo contact } }').then((d) => d.dataset))
      .then((ds) => { dataset = ds; draw(ds); }, () => {});
  }
  if (citeWatch) citeWatch.disconnect();
  const title = document.querySelector('title');
  if (title && 'MutationObserver' in window) (citeWatch = new MutationObserver(cite)).observe(title, { childList: true, characterData: true, subtree: true });
}

let scrollWatch = null;

/**
 * Makes every sideways-scrolling box (a wide table's wrapper, a code block)
 * reachable by keyboard, now and as pages render more of them, so that it
 * can be scrolled without a mouse.
 */
function scrollersFocusable() {
  if (scrollWatch) return;
  const mark = () => {
    for (const e of document.querySelectorAll('.table-wrap:not([tabindex]), pre:not([tabindex])')) e.tabIndex = 0;
  };
  mark();
  scrollWatch = new MutationObserver(mark);
  scrollWatch.observe(document.body, { childList: true, subtree: true });
}

/** Shows an error in #error (an API error's message, else the generic prefix). */
export function showError(e, w) {
  const box = $('error');
  if (!box) return;
  box.textContent = (e instanceof ApiError && e.code === 'NOT_FOUND' ? '' : w.error) + (e.message || String(e));
  box.hidden = false;
}

export function setStatus(text) {
  const s = $('status');
  if (s) s.textContent = text;
}

// ---- A render ----

let renders = 0;

/**
 * One render of the page: hides the error, marks <main> busy and says
 * w.loading while body(current) runs. current() turns false once a newer
 * render has started; body then returns without touching the page. An error
 * clears the status, runs onError (if given) and is shown in #error, unless
 * a newer render took over.
 */
export async function rendering(w, body, onError) {
  const my = ++renders;
  const current = () => my === renders;
  $('error').hidden = true;
  const main = $('main');
  main.setAttribute('aria-busy', 'true');
  setStatus(w.loading);
  try {
    await body(current);
  } catch (e) {
    if (!current()) return;
    setStatus('');
    if (onError) onError(e);
    showError(e, w);
  } finally {
    if (current()) main.removeAttribute('aria-busy');
  }
}

/** Every campaign (query: a Campaigns query), memoised for the visit of the page. */
export const campaignList = (query) => cached('list', () => gql(query).then((d) => d.campaigns.edges.map((e) => e.node)));

/**
 * The "show more" button (#more) of a paged list from its first page's
 * pageInfo: next(after) loads the following page (a connection), add(conn)
 * shows its rows. Returns what the button's click runs.
 */
export function moreRows(pageInfo, next, add, w) {
  const btn = $('more');
  let page = pageInfo;
  btn.hidden = !page.hasNextPage;
  return async () => {
    btn.disabled = true;
    try {
      const conn = await next(page.endCursor);
      add(conn);
      page = conn.pageInfo;
      btn.hidden = !page.hasNextPage;
    } catch (e) {
      showError(e, w);
    } finally {
      btn.disabled = false;
    }
  };
}

/**
 * The controls of a page showing a metric on a day (#controls with #metric
 * and #date, and #more): go(url, focusId) shows what they choose (focusing
 * focusId on submit); the more button runs what more() gives.
 */
export function metricDayControls(go, link, focusId, more) {
  $('controls').addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(link({ metric: $('metric').value, date: $('date').value }), focusId);
  });
  $('metric').addEventListener('change', () => go(link({ metric: $('metric').value }), null));
  $('more').addEventListener('click', () => more()?.());
}

/**
 * Follows the page's own links (a[data-nav]) in place, keeping the state in
 * the URL; back and forward render too. focus is the id of what to focus
 * after a link's render, or a function of the link giving it. Returns
 * go(url, focusId), which pushes url (unless it is the current one) and
 * renders it.
 */
export function followLinks(render, focus) {
  const go = (url, focusId) => {
    if (url !== location.pathname + location.search) history.pushState(null, '', url);
    render(focusId);
  };
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a[data-nav]');
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    go(a.getAttribute('href'), typeof focus === 'function' ? focus(a) : focus);
  });
  window.addEventListener('popstate', () => render(null));
  return go;
}

// ---- Corrected figures ----

// The units with a correction on a day (of one metric, inside a scope),
// with every unit above them: their figures of the day were corrected.
const Q_FIXED = `query Fixed($c: String!, $s: String, $m: String, $d: Date, $after: String) {
  corrections(campaign: $c, scopeCode: $s, metric: $m, from: $d, to: $d, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { unit { code ancestors { code } } } }
  }
}`;

/** The codes of the units whose figure of date was corrected, memoised; null when they cannot be loaded. */
function correctedUnits(campaign, metric, date, scope) {
  return cached(`fx:${campaign}:${metric}:${date}:${scope}`, async () => {
    const codes = new Set();
    let after = null;
    for (let i = 0; i < 50; i++) { // at most 5,000 corrections of one day: more is not worth marking
      const d = await gql(Q_FIXED, { c: campaign, s: scope, m: metric, d: date, after });
      for (const e of d.corrections.edges) {
        codes.add(e.node.unit.code);
        for (const a of e.node.unit.ancestors) codes.add(a.code);
      }
      if (!d.corrections.pageInfo.hasNextPage) break;
      after = d.corrections.pageInfo.endCursor;
    }
    return codes;
  }).catch(() => null); // the marks are extra: without them the table is still right
}

/**
 * Marks the rows of tbody (tr[data-unit]) whose unit's figure of the day
 * was corrected with a link to the corrections page for that unit, metric
 * and day (t: campaign, metric, date, scope, lang), once the corrections are
 * loaded, unless tbody has been given another table meanwhile. Call it again
 * after adding rows.
 */
export async function markCorrections(tbody, t) {
  const key = [t.campaign, t.metric, t.date, t.scope, t.lang].join('|');
  tbody.dataset.fixes = key;
  const codes = await correctedUnits(t.campaign, t.metric, t.date, t.scope);
  if (codes && tbody.dataset.fixes === key) markRows(tbody, codes, t);
}

function markRows(tbody, codes, st) {
  const w = words(st.lang);
  for (const tr of tbody.querySelectorAll('tr[data-unit]')) {
    const code = tr.dataset.unit;
    const th = tr.querySelector('th');
    if (!codes.has(code) || !th || th.querySelector('.fix')) continue;
    const name = th.querySelector('a')?.textContent || code;
    const href = pageURL('corrections.html', { campaign: st.campaign, scope: code, metric: st.metric, from: st.date, to: st.date }, st.lang);
    th.append(el('a', { class: 'small block fix', href, title: w.fixesOf(name, fmtDate(st.date, st.lang)) }, '✎ ' + w.fixed));
  }
}

// ---- Ranking widgets ----

/**
 * The band of a figure: the API's (key, computed from the exact fraction)
 * when given, else the one its rate falls in (bands highest first).
 */
export function bandOf(bands, rate, key) {
  if (key) return bands.find((b) => b.key === key) || null;
  if (rate == null) return null;
  return bands.find((b) => rate >= b.min) || null;
}

/** The band named in text; its colour only repeats the name. */
export function bandBadge(band, lang) {
  if (!band) return el('span', { class: 'band', text: '—' });
  return el('span', { class: 'band band-' + band.key, text: labelOf(band, lang) });
}

/** A bar filled to the rate (capped at 100%), decorative: the rate is in text beside it. */
export function bar(rate, bandKey) {
  const fill = el('span', { class: 'fill' + (bandKey ? ' band-' + bandKey : '') });
  fill.style.width = Math.max(0, Math.min(rate || 0, 1)) * 100 + '%';
  return el('span', { class: 'bar', 'aria-hidden': 'true' }, fill);
}

/** A ranking row's mark: its outcome once the campaign is over, else whether it is at risk. */
export function riskMark(r, w) {
  if (r.outcome) {
    return el('span', { class: 'small block outcome outcome-' + r.outcome, 'data-outcome': r.outcome, text: (r.outcome === 'COMPLETED' ? '✓ ' : '✗ ') + w.outcome[r.outcome] });
  }
  return r.atRisk ? el('span', { class: 'small block warn', text: '⚠ ' + w.atRisk }) : '';
}

/** A rank with its change since the day before: ▲/▼ and the words for screen readers. */
export function rankCell(r, w) {
  if (r.rank == null) return el('span', { title: w.unranked }, '—', el('span', { class: 'sr', text: ' ' + w.unranked }));
  const td = [String(r.rank)];
  if (r.rankChange) {
    const up = r.rankChange > 0;
    const n = Math.abs(r.rankChange);
    td.push(el('span', { class: 'chg ' + (up ? 'up' : 'down'), title: up ? w.up(n) : w.down(n) },
      el('span', { 'aria-hidden': 'true', text: (up ? ' ▲' : ' ▼') + n }),
      el('span', { class: 'sr', text: ' (' + (up ? w.up(n) : w.down(n)) + ')' })));
  }
  return el('span', null, ...td);
}
