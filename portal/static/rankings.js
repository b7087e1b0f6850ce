// The rankings page: one campaign, metric, day, level and scope as a
// sortable, searchable, paged table that downloads as CSV. State lives in the
// URL (?campaign&metric&date&level&scope&sort&dir&q&page&lang), so a table
// can be shared as a link and back/forward work.
import { gql, ApiError, apiLang, cached } from './api.js';
import { fmtInt, fmtDate, words as allWords } from './i18n.js';
import {
  $, el, LEVELS, readParams, urlWith, pageURL, today, clamp, unitName, metricName, applyWords, setStatus, bandBadge,
  bar, rankCell, riskMark, markCorrections, rendering, followLinks,
} from './common.js';
import { chooseCampaign, labelPage, fillSelect, cursorBefore, renderPager } from './page.js';
import { csvText } from './csv.js';
import { follow } from './live.js';

const words = (st) => allWords(st.lang);
const KEYS = ['campaign', 'metric', 'date', 'level', 'scope', 'sort', 'dir', 'q', 'page', 'map'];
const REFORM = '2025-07-01'; // the first day of today's map (34 provinces, no districts)
const PAGE = 50; // rows a page of the table
const ALL = 2000; // rankings up to this many rows are loaded whole, to sort and search them here

const W = {
  vi: {
    title: 'Xếp hạng', campaign: 'Chiến dịch', metric: 'Chỉ số', date: 'Ngày', level: 'Cấp', scope: 'Trong phạm vi', show: 'Xem',
    controls: 'Chọn bảng xếp hạng', crumbs: 'Phạm vi', pager: 'Trang',
    search: 'Tìm đơn vị', csv: 'Tải CSV (bản để xem)', whole: (u) => `${u} (toàn bộ)`,
    levels: { PROVINCE: 'Tỉnh, thành phố', DISTRICT: 'Quận, huyện, thị xã', COMMUNE: 'Xã, phường, thị trấn' },
    heading: (lv, m, u, d) => `${lv} trong ${u} xếp theo tỷ lệ ${m}, ngày ${d}`,
    caption: (n, shown) => `${n} đơn vị${shown != null ? `, ${shown} khớp tìm kiếm` : ''}. Bấm tiêu đề cột để sắp xếp; bấm tên đơn vị để xem chi tiết.`,
    th: { rank: 'Hạng', unit: 'Đơn vị', figure: 'Số liệu', quota: 'Chỉ tiêu', rate: 'Tỷ lệ đạt', band: 'Xếp loại', pace: 'Tốc độ 7 ngày', projected: 'Dự kiến đạt' },
    sortBy: (c) => `Sắp xếp theo ${c}`,
    perDay: (n) => `${n}/ngày`, need: (n) => `cần ${n}/ngày`, reached: 'đã đạt',
    page: (i, n) => `Trang ${i}/${n}`, prev: 'Trang trước', next: 'Trang sau',
    noRows: 'Không có đơn vị nào khớp.', noLevel: 'Đơn vị này không có đơn vị cấp dưới để xếp hạng.',
    big: (n) => `Bảng có ${n} đơn vị: sắp xếp và tìm kiếm chỉ dùng được cho bảng đến ${fmtInt(ALL, 'vi')} đơn vị; hãy chọn một phạm vi nhỏ hơn. Các trang đi theo thứ hạng.`,
    bandsOf: 'Số đơn vị theo xếp loại', noRate: 'Chưa có tỷ lệ',
    csvHead: ['Hạng', 'Thay đổi hạng', 'Mã đơn vị', 'Đơn vị', 'Số liệu', 'Chỉ tiêu', 'Tỷ lệ đạt', 'Xếp loại', 'Tốc độ 7 ngày (/ngày)', 'Tốc độ cần (/ngày)', 'Dự kiến đạt chỉ tiêu', 'Có nguy cơ', 'Kết quả (sau khi kết thúc)', 'Nguồn số liệu', 'Báo cáo đúng hạn', 'Trễ hạn', 'Chưa báo cáo'],
    yes: 'có', no: 'không',
    source: { REPORTED: 'đơn vị báo cáo', ROLLUP: 'cộng từ đơn vị cấp dưới', CARRIED: 'giữ số liệu cũ', NONE: 'chưa có' },
    maps: 'Bản đồ hành chính', mapOld: (y) => `bản đồ năm ${y}`, mapNow: 'bản đồ hiện nay',
    notComparable: (names) => `không so sánh được: gồm một phần của ${names}`,
    formerly: ' (cũ) nay thuộc ',
  },
  en: {
    title: 'Rankings', campaign: 'Campaign', metric: 'Metric', date: 'Day', level: 'Level', scope: 'Within', show: 'Show',
    controls: 'Choose a ranking', crumbs: 'Scope', pager: 'Pages',
    search: 'Find a unit', csv: 'Download CSV (display copy)', whole: (u) => `${u} (all)`,
    levels: { PROVINCE: 'Provinces', DISTRICT: 'Districts', COMMUNE: 'Communes' },
    heading: (lv, m, u, d) => `${lv} in ${u} ranked by rate, ${m}, ${d}`,
    caption: (n, shown) => `${n} units${shown != null ? `, ${shown} matching the search` : ''}. Select a column heading to sort; select a unit for its page.`,
    th: { rank: 'Rank', unit: 'Unit', figure: 'Figure', quota: 'Quota', rate: 'Rate', band: 'Band', pace: '7-day pace', projected: 'Projected' },
    sortBy: (c) => `Sort by ${c}`,
    perDay: (n) => `${n}/day`, need: (n) => `needs ${n}/day`, reached: 'reached',
    page: (i, n) => `Page ${i} of ${n}`, prev: 'Previous page', next: 'Next page',
    noRows: 'No unit matches.', noLevel: 'This unit has no units below it to rank.',
    big: (n) => `This table has ${n} units: sorting and search work on tables of up to ${fmtInt(ALL, 'en')} units; choose a smaller scope. Pages follow the ranks.`,
    bandsOf: 'Units per band', noRate: 'No rate yet',
    csvHead: ['Rank', 'Rank change', 'Unit code', 'Unit', 'Figure', 'Quota', 'Rate', 'Band', '7-day pace (/day)', 'Required pace (/day)', 'Projected completion', 'At risk', 'Outcome (after the end)', 'Source', 'Reported on time', 'Late', 'Not reported'],
    yes: 'yes', no: 'no',
    source: { REPORTED: 'own report', ROLLUP: 'sum of the units below', CARRIED: 'earlier report carried', NONE: 'none' },
    maps: 'Administrative map', mapOld: (y) => `map of ${y}`, mapNow: 'today’s map',
    notComparable: (names) => `not comparable: takes in part of ${names}`,
    formerly: ' (former) is now part of ',
  },
};

const CAMPAIGN_FIELDS = 'fragment C on Campaign { slug name nameEn startDate endDate status scope { code fullName nameEn } }';
const Q_CAMPAIGNS = `query Campaigns { campaigns(first: 50) { edges { node { ...C } } } } ${CAMPAIGN_FIELDS}`;
const Q_DETAIL = `query Detail($slug: String!, $unit: String!, $asOf: Date) {
  campaign(slug: $slug) { bands { key min labelVi labelEn } metrics { key nameVi nameEn } }
  unit(code: $unit, asOf: $asOf) {
    code fullName nameEn kind ancestors { code fullName nameEn kind }
    p: children(kind: PROVINCE, asOf: $asOf, first: 1) { totalCount }
    d: children(kind: DISTRICT, asOf: $asOf, first: 100) { totalCount edges { node { code fullName nameEn } } }
    c: children(kind: COMMUNE, asOf: $asOf, first: 1) { totalCount }
    all: children(asOf: $asOf, first: 100) { edges { node { code fullName nameEn kind } } }
  }
}`;
const Q_RANKING = `query Ranking($c: String!, $m: String!, $d: Date, $s: String, $l: UnitKind!, $after: String, $first: Int, $lang: Lang, $map: ReformMap) {
  ranking(campaign: $c, metric: $m, date: $d, scopeCode: $s, level: $l, first: $first, after: $after, map: $map) {
    date totalCount pageInfo { hasNextPage endCursor } scopeName(lang: $lang) scope { code }
    bandCounts { band { key labelVi labelEn min } count }
    edges { node {
      rank rankChange unit { code fullName nameEn } figure quota rate band atRisk outcome source staleDays
      pace7d requiredPace projectedCompletion coverage { onTime late missing }
      figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang)
      comparable partialText(lang: $lang)
    } }
  }
}`;

const readState = () => {
  const st = readParams(KEYS);
  st.page = Math.max(1, parseInt(st.page, 10) || 1);
  st.dir = st.dir === 'desc' ? 'desc' : st.dir === 'asc' ? 'asc' : '';
  return st;
};
const link = (patch) => urlWith(KEYS, patch);

let table = null; // what the table shows: { rows, st, w, ... } for CSV and paging

// ---- Loading ----

/** The whole ranking (every page) when it has at most ALL rows; else the first page. */
async function fetchRanking(c, metric, date, scope, level, lang, map) {
  const vars = { c, m: metric, d: date || null, s: scope, l: level, first: 100, lang: apiLang(lang), map };
  const first = (await gql(Q_RANKING, vars)).ranking;
  const rows = first.edges.map((e) => e.node);
  let page = first.pageInfo;
  if (first.totalCount <= ALL) {
    while (page.hasNextPage) {
      const next = (await gql(Q_RANKING, { ...vars, d: first.date, after: page.endCursor })).ranking;
      rows.push(...next.edges.map((e) => e.node));
      page = next.pageInfo;
    }
  }
  return { date: first.date, total: first.totalCount, bandCounts: first.bandCounts, rows, whole: first.totalCount <= ALL, page, scopeName: first.scopeName };
}

// ---- Sorting and search ----

/** Folds case and Vietnamese marks, so that "ben tre" finds "Bến Tre". */
function fold(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

const SORTS = {
  rank: (r) => (r.rank == null ? Infinity : r.rank),
  unit: (r) => fold(r.unit.fullName),
  figure: (r) => r.figure ?? -Infinity,
  quota: (r) => r.quota ?? -Infinity,
  rate: (r) => r.rate ?? -Infinity,
  pace: (r) => r.pace7d ?? -Infinity,
};
// The natural direction of each column: ranks and names go up, amounts down.
const NATURAL = { rank: 'asc', unit: 'asc', figure: 'desc', quota: 'desc', rate: 'desc', pace: 'desc' };

function sorted(rows, sort, dir, lang) {
  const key = SORTS[sort] || SORTS.rank;
  const sign = (dir || NATURAL[sort] || 'asc') === 'asc' ? 1 : -1;
  const coll = new Intl.Collator(lang === 'en' ? 'en' : 'vi');
  return rows
    .map((r, i) => ({ r, i, k: key(r) }))
    .sort((a, b) => {
      const c = typeof a.k === 'string' ? coll.compare(a.k, b.k) : a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
      return c * sign || a.i - b.i; // ties keep the ranking's order
    })
    .map((x) => x.r);
}

// ---- Rendering ----

function paceText(r, w, lang) {
  if (r.pace7d == null) return '—';
  return w.perDay(fmtInt(Math.round(r.pace7d), lang));
}

function rowOf(r, bands, st, w, c) {
  const band = r.band ? bands.get(r.band) || { key: r.band, labelVi: r.band, labelEn: r.band } : null;
  const unitURL = st.map ? null : pageURL('unit.html', { campaign: c.slug, unit: r.unit.code, metric: st.metric, date: st.date }, st.lang);
  const apart = r.comparable === false ? w.notComparable(r.partialText || '') : '';
  const need = r.requiredPace == null ? '' : r.requiredPace === 0 ? w.reached : w.need(fmtInt(Math.ceil(r.requiredPace), st.lang));
  const cov = words(st).coverage(r.coverage.late, r.coverage.missing);
  return el('tr', { class: r.atRisk ? 'risk' : null, 'data-unit': r.unit.code },
    el('td', { class: 'num' }, rankCell(r, words(st))),
    el('th', { scope: 'row' }, unitURL ? el('a', { href: unitURL }, unitName(r.unit, st.lang)) : unitName(r.unit, st.lang),
      apart ? el('span', { class: 'small block warn', 'data-incomparable': true, text: apart }) : '',
      cov ? el('span', { class: 'small block', text: cov }) : '',
      r.source === 'CARRIED' ? el('span', { class: 'small block warn', text: words(st).stale(r.staleDays) }) : ''),
    el('td', { class: 'num' }, r.figureText ?? '—'),
    el('td', { class: 'num col-quota' }, r.quotaText ?? '—'),
    el('td', { class: 'col-rate' }, el('span', { class: 'rate', text: r.rateText ?? '—' }), bar(r.rate, band && band.key)),
    el('td', null, bandBadge(band, st.lang), riskMark(r, words(st))),
    el('td', { class: 'num col-pace' }, paceText(r, w, st.lang), need ? el('span', { class: 'small block muted', text: need }) : ''),
    el('td', { class: 'col-proj' }, r.projectedCompletion ? fmtDate(r.projectedCompletion, st.lang) : '—'),
  );
}

function renderHead(st, w, sortable) {
  const cols = [['rank', 'num'], ['unit', ''], ['figure', 'num'], ['quota', 'num col-quota'], ['rate', 'col-rate'], ['band', ''], ['pace', 'num col-pace'], ['projected', 'col-proj']];
  const sort = SORTS[st.sort] ? st.sort : 'rank';
  const dir = st.dir || NATURAL[sort];
  $('head').replaceChildren(...cols.map(([k, cls]) => {
    const th = el('th', { scope: 'col', class: cls || null });
    if (!sortable || !SORTS[k]) {
      th.textContent = w.th[k];
      return th;
    }
    const on = sort === k;
    if (on) th.setAttribute('aria-sort', dir === 'asc' ? 'ascending' : 'descending');
    const next = on ? (dir === 'asc' ? 'desc' : 'asc') : NATURAL[k];
    th.append(el('a', { href: link({ sort: k === 'rank' ? '' : k, dir: next === NATURAL[k] ? '' : next, page: '' }), 'data-nav': true,
      class: 'sort' + (on ? ' on' : ''), title: w.sortBy(w.th[k]) },
    w.th[k], el('span', { 'aria-hidden': 'true', text: on ? (dir === 'asc' ? ' ▲' : ' ▼') : ' ↕' })));
    return th;
  }));
}

function renderBands(counts, st, w) {
  const p = $('bands');
  p.replaceChildren(el('span', { class: 'small muted', text: w.bandsOf + ': ' }));
  counts.filter((b) => b.band || b.count).forEach((b, i) => {
    if (i) p.append(' · ');
    p.append(b.band ? bandBadge(b.band, st.lang) : el('span', { class: 'band', text: w.noRate }), ' ', el('strong', { text: fmtInt(b.count, st.lang) }));
  });
}

const Q_FORMER = `query Former($q: String!) { units(search: $q, first: 1) { former { code fullName nameEn validTo successors { unit { code fullName nameEn } } } } }`;

/** Units of the old map whose name matches the search, with what they became (links to both). */
async function renderFormer(st, w, c) {
  const p = $('former');
  const q = st.q.trim();
  if (q.length < 2) {
    p.replaceChildren();
    return;
  }
  const d = await cached(`f:${fold(q)}`, () => gql(Q_FORMER, { q }));
  if (st.q !== readState().q) return; // typed on meanwhile
  p.replaceChildren(...d.units.former.flatMap((u, i) => {
    const old = el('a', { href: pageURL('unit.html', { campaign: c.slug, unit: u.code, date: u.validTo < c.endDate ? u.validTo : '' }, st.lang), 'data-former': u.code }, unitName(u, st.lang));
    const now = u.successors.flatMap((l, j) => [j ? ', ' : '', el('a', { href: pageURL('rankings.html', { campaign: c.slug, map: 'current', scope: l.unit.code }, st.lang), 'data-successor': l.unit.code }, unitName(l.unit, st.lang))]);
    return [i ? el('br') : '', old, w.formerly, ...now];
  }));
}

/** The switch between the map a campaign was run on and today's map (campaigns before 01/07/2025 only). */
function renderMaps(old, onNow, c, w) {
  const nav = $('maps');
  nav.hidden = !old;
  nav.setAttribute('aria-label', w.maps);
  if (!old) return;
  const opt = (now, label) => (now === onNow
    ? el('strong', { 'aria-current': 'true', text: label })
    : el('a', { href: link({ map: now ? 'current' : '', scope: '', level: '', page: '', q: '' }), 'data-nav': true, 'data-map': now ? 'current' : 'campaign' }, label));
  nav.replaceChildren(el('span', { class: 'small muted', text: w.maps + ': ' }), opt(false, w.mapOld(c.startDate.slice(0, 4))), ' / ', opt(true, w.mapNow));
}

function render(focusId) {
  const st = readState();
  const w = W[st.lang];
  applyWords(st, 'rankings');
  labelPage(w, [['h1', 'title'], ['l-campaign', 'campaign'], ['l-metric', 'metric'], ['l-date', 'date'], ['l-level', 'level'], ['l-scope', 'scope'], ['show', 'show'], ['l-q', 'search'], ['csv', 'csv']]);
  $('crumbs').setAttribute('aria-label', w.crumbs);
  return rendering(words(st), async (current) => {
    const c = await chooseCampaign(Q_CAMPAIGNS, st, current);
    if (!c) return;
    follow(c.slug, () => render(null));

    const asOf = clamp(st.date || today(), c.startDate, c.endDate);
    const scopeCode = st.scope || c.scope.code;
    const d = await cached(`d:${c.slug}:${scopeCode}:${asOf}`, () => gql(Q_DETAIL, { slug: c.slug, unit: scopeCode, asOf }));
    if (!current()) return;
    const unit = d.unit;
    if (!unit) throw new ApiError(words(st).unknownUnit(scopeCode), 'NOT_FOUND');
    if (unit.code !== c.scope.code && !unit.ancestors.some((a) => a.code === c.scope.code)) throw new ApiError(words(st).outOfScope, 'NOT_FOUND');
    const { metrics, bands } = d.campaign;
    const metric = metrics.find((m) => m.key === st.metric) || metrics[0];
    fillSelect($('metric'), metrics.map((m) => [m.key, metricName(m, st.lang)]), metric.key);
    const counts = { PROVINCE: unit.p.totalCount, DISTRICT: unit.d.totalCount, COMMUNE: unit.c.totalCount };
    // A campaign of the old map can be read on today's map (no districts; rows summed from the old units).
    const old = c.endDate < REFORM;
    const onNow = old && st.map === 'current';
    renderMaps(old, onNow, c, w);
    // Levels below the scope: its own children's and, through them, lower ones.
    const levels = onNow ? ['PROVINCE', 'COMMUNE'] : LEVELS.filter((k) => LEVELS.indexOf(k) > LEVELS.indexOf(unit.kind) || unit.kind === 'NATION');
    const level = levels.includes(st.level) ? st.level : onNow ? 'COMMUNE' : levels.find((k) => counts[k] > 0) || levels[0];
    fillSelect($('level'), levels.map((k) => [k, w.levels[k]]), level);
    // Scopes: the campaign's scope, the path down to this one, and this one's children above the level.
    const path = [...unit.ancestors, unit].slice([...unit.ancestors, unit].findIndex((u) => u.code === c.scope.code));
    const scopes = path.map((u, i) => [u.code === c.scope.code ? '' : u.code, (i ? '— '.repeat(i) : '') + (u.code === unit.code ? w.whole(unitName(u, st.lang)) : unitName(u, st.lang))]);
    for (const ch of unit.all.edges.map((e) => e.node)) {
      if (LEVELS.indexOf(ch.kind) >= 0 && LEVELS.indexOf(ch.kind) < LEVELS.indexOf(level)) scopes.push([ch.code, '— '.repeat(path.length) + unitName(ch, st.lang)]);
    }
    if (!onNow) fillSelect($('scope'), scopes, unit.code === c.scope.code ? '' : unit.code);
    const dateInput = $('date');
    dateInput.min = c.startDate;
    dateInput.max = c.endDate < today() ? c.endDate : today();

    const crumbs = el('ol');
    path.forEach((u, i) => crumbs.append(el('li', null, i === path.length - 1
      ? el('span', { 'aria-current': 'page', text: unitName(u, st.lang) })
      : el('a', { href: link({ scope: u.code === c.scope.code ? '' : u.code, level: '', page: '' }), 'data-nav': true }, unitName(u, st.lang)))));
    $('crumbs').replaceChildren(crumbs);
    $('crumbs').hidden = path.length < 2 || onNow;

    if (!levels.length) {
      $('h-table').textContent = w.noLevel;
      $('rows').replaceChildren();
      $('table').hidden = true;
      setStatus('');
      return;
    }
    $('table').hidden = false;
    const day = st.date ? clamp(st.date, c.startDate, c.endDate) : '';
    const scopeArg = onNow ? st.scope || null : unit.code;
    const mapArg = onNow ? 'CURRENT' : null;
    const rank = await cached(`r:${c.slug}:${metric.key}:${day}:${scopeArg}:${level}:${st.lang}:${mapArg}`,
      () => fetchRanking(c.slug, metric.key, day, scopeArg, level, st.lang, mapArg));
    if (!current()) return;
    dateInput.value = rank.date;
    if (onNow) fillSelect($('scope'), [['', rank.scopeName]], '');
    $('h-table').textContent = w.heading(w.levels[level], metricName(metric, st.lang).toLowerCase(), onNow ? rank.scopeName : unitName(unit, st.lang), fmtDate(rank.date, st.lang));
    renderBands(rank.bandCounts, st, w);

    const bandMap = new Map(bands.map((b) => [b.key, b]));
    $('q').value = st.q;
    $('q').disabled = !rank.whole;
    let rows = rank.rows;
    let shown = null;
    if (rank.whole && st.q.trim()) {
      const needle = fold(st.q.trim());
      rows = rows.filter((r) => fold(r.unit.fullName).includes(needle) || fold(r.unit.nameEn || '').includes(needle) || r.unit.code === st.q.trim());
      shown = rows.length;
    }
    if (rank.whole) rows = sorted(rows, st.sort, st.dir, st.lang);
    renderHead(st, w, rank.whole);
    $('caption').textContent = w.caption(fmtInt(rank.total, st.lang), shown == null ? null : fmtInt(shown, st.lang)) + (rank.whole ? '' : ' ' + w.big(fmtInt(rank.total, st.lang)));
    const stWithDate = { ...st, metric: metric.key, date: rank.date, map: onNow ? 'current' : '' };
    let pages;
    if (rank.whole) {
      pages = Math.max(1, Math.ceil(rows.length / PAGE));
      const p = Math.min(st.page, pages);
      rows = rows.slice((p - 1) * PAGE, p * PAGE);
    } else {
      // Too big to hold: the API's pages in rank order, fetched as needed.
      pages = Math.ceil(rank.total / PAGE);
      const p = Math.min(st.page, pages);
      rows = await cached(`rp:${c.slug}:${metric.key}:${rank.date}:${scopeArg}:${level}:${p}:${st.lang}:${mapArg}`, () => pageAt(c.slug, metric.key, rank.date, scopeArg, level, p, st.lang, mapArg));
      if (!current()) return;
    }
    renderFormer(st, w, c);
    $('rows').replaceChildren(...(rows.length ? rows.map((r) => rowOf(r, bandMap, stWithDate, w, c)) : [el('tr', null, el('td', { colspan: '8', text: w.noRows }))]));
    renderPager($('pager'), st.page, pages, w, link);
    table = { rows: rank.rows, st: stWithDate, w, c, level, unit, metric };
    await markCorrections($('rows'), { campaign: c.slug, metric: metric.key, date: rank.date, scope: unit.code, lang: st.lang });
    if (!current()) return;
    $('csv').disabled = !rank.whole;
    setStatus('');
    if (focusId) $(focusId)?.focus();
  });
}

/** Page p (PAGE rows) of a ranking too big to hold. */
async function pageAt(c, metric, date, scope, level, p, lang, map) {
  const after = cursorBefore((p - 1) * PAGE);
  const d = await gql(Q_RANKING, { c, m: metric, d: date, s: scope, l: level, first: PAGE, after, lang: apiLang(lang), map });
  return d.ranking.edges.map((e) => e.node);
}

// ---- CSV ----

function downloadCSV() {
  if (!table) return;
  const { rows, st, w, c, level, unit, metric } = table;
  const lines = [w.csvHead];
  for (const r of rows) {
    lines.push([r.rank ?? '', r.rankChange ?? '', r.unit.code, unitName(r.unit, st.lang), r.figure ?? '', r.quota ?? '', r.rateText ?? '',
      r.band ?? '', r.pace7d == null ? '' : Math.round(r.pace7d), r.requiredPace == null ? '' : Math.ceil(r.requiredPace),
      r.projectedCompletion ?? '', r.atRisk ? w.yes : w.no, r.outcome ? words(st).outcome[r.outcome] : '', w.source[r.source] || r.source, r.coverage.onTime, r.coverage.late, r.coverage.missing]);
  }
  const text = csvText(lines);
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' })),
    download: `tiendo-${c.slug}-${metric.key}-${level.toLowerCase()}-${unit.code}-${st.date}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// ---- Events ----

const go = followLinks(render, (a) => (a.closest('#pager') ? 'h-table' : null));
$('controls').addEventListener('submit', (ev) => {
  ev.preventDefault();
  go(link({ campaign: $('campaign').value, metric: $('metric').value, date: $('date').value, level: $('level').value, scope: $('scope').value, page: '' }), 'h-table');
});
// A new campaign resets what belongs to the old one.
$('campaign').addEventListener('change', () => go(link({ campaign: $('campaign').value, metric: '', date: '', level: '', scope: '', q: '', page: '', map: '' }), null));
let typing;
$('q').addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    const url = link({ q: $('q').value.trim(), page: '' });
    history.replaceState(null, '', url); // typing is one history entry, not one per key
    render(null);
  }, 200);
});
$('csv').addEventListener('click', downloadCSV);

render(null);
