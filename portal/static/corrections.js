// The corrections page (Đính chính số liệu): a campaign's public corrections
// log, newest first, paged, filtered by unit subtree, metric and days. Every
// superseded figure stays readable: the old value and the new one, when it
// was reported, on time or late, the reason and the unit that sent it.
// State lives in the URL (?campaign&scope&metric&from&to&page&lang), so the
// unit and ranking pages link here for one unit and day.
import { gql, ApiError, apiLang, cached } from './api.js';
import { fmtInt, fmtDate, words as allWords } from './i18n.js';
import {
  $, el, DAY, readParams, urlWith, pageURL, nameOf, unitName, metricName, applyWords, setStatus, rendering,
  followLinks,
} from './common.js';
import { bilingual, chooseCampaign, labelPage, fillSelect, cursorBefore, renderPager } from './page.js';

const words = (st) => allWords(st.lang);
const KEYS = ['campaign', 'scope', 'metric', 'from', 'to', 'page'];
const PAGE = 50;

const W = bilingual({
  title: ['Đính chính số liệu', 'Corrections'],
  lede: [
    'Mọi số liệu đã được thay thế vẫn công khai: số cũ, số mới, thời điểm nhận, lý do đính chính và đơn vị gửi. Không bao giờ công bố tên người hay mã truy cập.',
    'Every superseded figure stays public: the old value and the new one, when it was received, the reason given and the unit that sent it. Names of people and access tokens are never published.',
  ],
  campaign: ['Chiến dịch', 'Campaign'],
  metric: ['Chỉ số', 'Metric'],
  from: ['Từ ngày', 'From'],
  to: ['Đến ngày', 'To'],
  show: ['Xem', 'Show'],
  controls: ['Chọn đính chính', 'Choose corrections'],
  pager: ['Trang', 'Pages'],
  allMetrics: ['Tất cả chỉ số', 'All metrics'],
  heading: [(n, c) => `${n} lần đính chính — ${c}`, (n, c) => `${n} corrections — ${c}`],
  within: [(u) => `Trong phạm vi: ${u} và các đơn vị trực thuộc.`, (u) => `Within: ${u} and the units under it.`],
  whole: ['Xem toàn bộ chiến dịch', 'Show the whole campaign'],
  caption: ['Mới nhất trước. Số cũ → số mới; thời điểm nhận theo giờ Việt Nam.', 'Newest first. Old value → new value; times in Vietnam time.'],
  feed: ['Theo dõi đính chính qua Atom', 'Follow corrections by Atom'],
  th: {
    date: ['Ngày số liệu', 'Day of the figure'],
    unit: ['Đơn vị', 'Unit'],
    metric: ['Chỉ số', 'Metric'],
    change: ['Số cũ → số mới', 'Old → new'],
    reason: ['Lý do', 'Reason'],
    by: ['Đơn vị gửi', 'Sent by'],
    at: ['Thời điểm nhận', 'Received'],
  },
  onTime: ['đúng hạn', 'on time'],
  late: ['trễ hạn', 'late'],
  noReason: ['(không ghi lý do)', '(no reason given)'],
  admin: ['quản trị viên', 'an administrator'],
  imported: ['nhập từ tệp', 'file import'],
  unknown: ['không rõ', 'unknown'],
  revised: ['bản tin ngày này đã đính chính', 'this day’s bulletin was corrected'],
  bulletin: ['Bản tin', 'Bulletin'],
  none: ['Không có đính chính nào khớp.', 'No correction matches.'],
  page: [(i, n) => `Trang ${i}/${n}`, (i, n) => `Page ${i} of ${n}`],
  prev: ['Trang trước', 'Previous page'],
  next: ['Trang sau', 'Next page'],
});

const Q_CAMPAIGNS = `query Campaigns { campaigns(first: 50) { edges { node {
  slug name nameEn startDate endDate status scope { code } metrics { key nameVi nameEn } } } } }`;
const Q_UNIT = 'query Unit($code: String!, $asOf: Date) { unit(code: $code, asOf: $asOf) { code fullName nameEn } }';
const Q_CORRECTIONS = `query Corrections($c: String!, $s: String, $m: String, $from: Date, $to: Date, $first: Int, $after: String, $lang: Lang) {
  corrections(campaign: $c, scopeCode: $s, metric: $m, from: $from, to: $to, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      unit { code fullName nameEn } metric { key nameVi nameEn } date revision
      valueText(lang: $lang) previousValueText(lang: $lang) change reportedAt onTime reason
      submittedVia submitterRole submitterUnit { code fullName nameEn } bulletinRevised
    } }
  }
}`;

const readState = () => {
  const st = readParams(KEYS);
  for (const k of ['from', 'to']) if (!DAY.test(st[k])) st[k] = '';
  st.page = Math.max(1, parseInt(st.page, 10) || 1);
  return st;
};
const link = (patch) => urlWith(KEYS, patch);

/** A reported time in Vietnam: 09:30 16/11/2023 (vi), 11/16/2023, 9:30 AM (en). */
function fmtTime(iso, lang) {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : 'vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
  }).format(new Date(iso));
}

function sender(n, w, lang) {
  if (n.submitterUnit) return unitName(n.submitterUnit, lang);
  if (n.submitterRole === 'ADMIN') return w.admin;
  if (n.submittedVia === 'IMPORT') return w.imported;
  return w.unknown;
}

function rowOf(n, c, st, w) {
  const change = n.change == null ? '' : ` (${n.change > 0 ? '+' : n.change < 0 ? '−' : '±'}${fmtInt(Math.abs(n.change), st.lang)})`;
  const day = { campaign: c.slug, date: n.date };
  return el('tr', { 'data-unit': n.unit.code, 'data-day': n.date },
    el('td', null, el('a', { href: pageURL('unit.html', { ...day, unit: n.unit.code, metric: n.metric.key }, st.lang) }, fmtDate(n.date, st.lang))),
    el('th', { scope: 'row' }, unitName(n.unit, st.lang)),
    el('td', { text: metricName(n.metric, st.lang) }),
    el('td', { class: 'num' }, el('del', { text: n.previousValueText ?? '—' }), ' → ', el('strong', { text: n.valueText }), change),
    el('td', { text: n.reason || w.noReason }),
    el('td', { text: sender(n, w, st.lang) }),
    el('td', null, fmtTime(n.reportedAt, st.lang), el('span', { class: 'small block' + (n.onTime ? '' : ' warn'), text: n.onTime ? w.onTime : w.late }),
      n.bulletinRevised ? el('a', { class: 'small block', href: `bulletins/${encodeURIComponent(c.slug)}/${n.date}/` + (st.lang === 'en' ? 'index.en.html' : '') }, w.revised) : ''),
  );
}

function render(focusId) {
  const st = readState();
  const w = W[st.lang];
  applyWords(st, 'corrections');
  labelPage(w, [['h1', 'title'], ['lede', 'lede'], ['l-campaign', 'campaign'], ['l-metric', 'metric'], ['l-from', 'from'], ['l-to', 'to'], ['show', 'show']]);
  return rendering(words(st), async (current) => {
    const c = await chooseCampaign(Q_CAMPAIGNS, st, current);
    if (!c) return;
    fillSelect($('metric'), [['', w.allMetrics], ...c.metrics.map((m) => [m.key, metricName(m, st.lang)])], st.metric);
    for (const id of ['from', 'to']) Object.assign($(id), { min: c.startDate, max: c.endDate, value: st[id] });

    const scope = st.scope && st.scope !== c.scope.code ? st.scope : '';
    const [u, d] = await Promise.all([
      scope ? cached(`u:${scope}:${st.to || c.endDate}`, () => gql(Q_UNIT, { code: scope, asOf: st.to || c.endDate })) : null,
      gql(Q_CORRECTIONS, { c: c.slug, s: scope || null, m: st.metric || null, from: st.from || null, to: st.to || null,
        first: PAGE, after: cursorBefore((st.page - 1) * PAGE), lang: apiLang(st.lang) }),
    ]);
    if (!current()) return;
    if (scope && !(u && u.unit)) throw new ApiError(words(st).unknownUnit(scope), 'NOT_FOUND');
    $('filter').replaceChildren(...(scope ? [w.within(unitName(u.unit, st.lang)) + ' ', el('a', { href: link({ scope: '', page: '' }), 'data-nav': true }, w.whole)] : []));
    const conn = d.corrections;
    $('h-table').textContent = w.heading(fmtInt(conn.totalCount, st.lang), nameOf(c, st.lang));
    $('feed').replaceChildren(el('a', { href: `feeds/corrections/${encodeURIComponent(c.slug)}${st.lang === 'en' ? '.en' : ''}.atom`, type: 'application/atom+xml' }, w.feed));
    $('caption').textContent = w.caption;
    $('head').replaceChildren(...Object.entries(w.th).map(([k, t]) => el('th', { scope: 'col', class: k === 'change' ? 'num' : null, text: t })));
    const rows = conn.edges.map((e) => rowOf(e.node, c, st, w));
    $('rows').replaceChildren(...(rows.length ? rows : [el('tr', null, el('td', { colspan: '7', text: w.none }))]));
    renderPager($('pager'), st.page, Math.ceil(conn.totalCount / PAGE), w, link);
    setStatus('');
    if (focusId) $(focusId)?.focus();
  });
}

const go = followLinks(render, 'h-table');
$('controls').addEventListener('submit', (ev) => {
  ev.preventDefault();
  go(link({ campaign: $('campaign').value, metric: $('metric').value, from: $('from').value, to: $('to').value, page: '' }), 'h-table');
});
// A new campaign resets what belongs to the old one.
$('campaign').addEventListener('change', () => go(link({ campaign: $('campaign').value, scope: '', metric: '', from: '', to: '', page: '' }), null));

render(null);
