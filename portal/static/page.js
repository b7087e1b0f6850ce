// What the other pages share beyond common.js (which the first page loads):
// words side by side, the campaign chosen, select boxes, offset cursors, the
// pager.
import { ApiError } from './api.js';
import { words } from './i18n.js';
import { $, el, nameOf, campaignList } from './common.js';

/** A page's words written side by side: each leaf is [vi, en] (texts, functions or lists), objects nest. Gives { vi, en }. */
export function bilingual(t) {
  const pick = (o, i) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v[i] : pick(v, i)]));
  return { vi: pick(t, 0), en: pick(t, 1) };
}

/** The campaign of list named slug, else the active one, else the first; NOT_FOUND when none. */
export function pickCampaign(list, slug, w) {
  let c = list.find((x) => x.slug === slug);
  if (!c && slug) throw new ApiError(w.notFound(slug), 'NOT_FOUND');
  if (!c) c = list.find((x) => x.status === 'ACTIVE') || list[0];
  if (!c) throw new ApiError(w.noCampaigns, 'NOT_FOUND');
  return c;
}

/**
 * The campaigns (query: a Campaigns query) and the one st names, else the
 * active one, chosen in the select #campaign; null when current() has turned
 * false meanwhile (a newer render started).
 */
export async function chooseCampaign(query, st, current) {
  const list = await campaignList(query);
  if (!current()) return null;
  const c = pickCampaign(list, st.campaign, words(st.lang));
  fillSelect($('campaign'), list.map((x) => [x.slug, nameOf(x, st.lang)]), c.slug);
  return c;
}

/** The page's title and words: w[k] into each element of ids ([id, k]), the controls' and pager's labels. */
export function labelPage(w, ids) {
  document.title = `${w.title} — Tiến Độ`;
  for (const [id, k] of ids) $(id).textContent = w[k];
  $('controls').setAttribute('aria-label', w.controls);
  $('pager').setAttribute('aria-label', w.pager);
}

/** Fills a select with options ([value, label]), value selected. */
export function fillSelect(sel, options, value) {
  sel.replaceChildren(...options.map(([v, label]) => el('option', { value: v, selected: v === value }, label)));
}

/**
 * The cursor after which a page starting at offset begins (null for the
 * first). Cursors are opaque to other clients; the portal ships with the API
 * and knows them: the unpadded base64url of "o:" and the row's offset
 * (graph/paging.go).
 */
export const cursorBefore = (offset) => (offset > 0 ? btoa('o:' + (offset - 1)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') : null);

/**
 * A pager into nav: previous and next links (link({ page }) gives their
 * URLs, followed in place through data-nav) around "page p of n"; nothing
 * for a single page. w has prev, next and page(p, n).
 */
export function renderPager(nav, page, pages, w, link) {
  nav.replaceChildren();
  if (pages <= 1) return;
  const p = Math.min(page, pages);
  nav.append(
    p > 1 ? el('a', { href: link({ page: p - 1 === 1 ? '' : String(p - 1) }), 'data-nav': true, rel: 'prev' }, '‹ ' + w.prev) : el('span', { class: 'muted', text: '‹ ' + w.prev }),
    el('span', { 'aria-current': 'page', text: ' ' + w.page(p, pages) + ' ' }),
    p < pages ? el('a', { href: link({ page: String(p + 1) }), 'data-nav': true, rel: 'next' }, w.next + ' ›') : el('span', { class: 'muted', text: w.next + ' ›' }),
  );
}
