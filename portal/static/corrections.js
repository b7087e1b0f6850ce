// The corrections page (Đính chính số liệu): a campaign's public corrections
// log, newest first, paged, filtered by unit subtree, metric and days. Every
// superseded figure stays readable: the old value and the new one, when it
// was reported, on time or late, the reason and the unit that sent it.
// State lives in the URL (?campaign&scope&metric&from&to&page&lang), so the
// unit and ranking pages link here for one unit and day.
import { gql, ApiError } from './api.js';
import { fmtInt, fmtDate, words as allWords } from './i18n.js';
import { $, el, DAY, readParams, urlWith, pageURL, apiLang, cached, nameOf, unitName, metricName, applyWords, showError, setStatus, renderPager,
  pickCampaign, followLinks } from './common.js';

const words = (st) => allWords(st.lang);
const KEYS = ['campaign', 'scope', 'metric', 'from', 'to', 'page'];
const PAGE = 50;

const W = {
  vi: {
    title: 'Đính chính số liệu',
    lede: 'Mọi số liệu đã được thay thế vẫn công khai: số cũ, số mới, thời điểm nhận, lý do đính chính và đơn vị gửi. Không bao giờ công bố tên người hay mã truy cập.',
    campaign: 'Chiến dịch', metric: 'Chỉ số', from: 'Từ ngày', to: 'Đến ngày', show: 'Xem', controls: 'Chọn đính chính', pager: 'Trang',
    allMetrics: 'Tất cả chỉ số',
    heading: (n, c) => `${n} lần đính chính — ${c}`,
    within: (u) => `Trong phạm vi: ${u} và các đơn vị trực thuộc.`,
    whole: 'Xem toàn bộ chiến dịch',
    caption: 'Mới nhất trước. Số cũ → số mới; thời điểm nhận theo giờ Việt Nam.',
    feed: 'Theo dõi đính chính qua Atom',
    th: { date: 'Ngày số liệu', unit: 'Đơn vị', metric: 'Chỉ số', change: 'Số cũ → số mới', reason: 'Lý do', by: 'Đơn vị gửi', at: 'Thời điểm nhận' },
    onTime: 'đúng hạn', late: 'trễ hạn', noReason: '(không ghi lý do)',
    admin: 'quản trị viên', imported: 'nhập từ tệp', unknown: 'không rõ',
    revised: 'bản tin ngày này đã đính chính', bulletin: 'Bản tin',
    none: 'Không có đính chính nào khớp.',
    page: (i, n) => `Trang ${i}/${n}`, prev: 'Trang trước', next: 'Trang sau',
  },
  en: {
    title: 'Corrections',
    lede: 'Every superseded figure stays public: the old value and the new one, when it was received, the reason given and the unit that sent it. Names of people and access tokens are never published.',
    campaign: 'Campaign', metric: 'Metric', from: 'From', to: 'To', show: 'Show', controls: 'Choose corrections', pager: 'Pages',
    allMetrics: 'All metrics',
    heading: (n, c) => `${n} corrections — ${c}`,
    within: (u) => `Within: ${u} and the units under it.`,
    whole: 'Show the whole campaign',
    caption: 'Newest first. Old value → new value; times in Vietnam time.',
    feed: 'Follow corrections by Atom',
    th: { date: 'Day of the figure', unit: 'Unit', metric: 'Metric', change: 'Old → new', reason: 'Reason', by: 'Sent by', at: 'Received' },
    onTime: 'on time', late: 'late', noReason: '(no reason given)',
    admin: 'an administrator', imported: 'file import', unknown: 'unknown',
    revised: 'this day’s bulletin was corrected', bulletin: 'Bulletin',
    none: 'No correction matches.',
    page: (i, n) => `Page ${i} of ${n}`, prev: 'Previous page', next: 'Next page',
  },
};

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

/** Offset cursors (graph/paging.go): the unpadded base64url of "o:" and the offset. */
const cursorBefore = (offset) => (offset > 0 ? btoa('o:' + (offset - 1)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') : null);

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

const fill = (sel, options, value) => sel.replaceChildren(...options.map(([v, label]) => el('option', { value: v, selected: v === value }, label)));

let seq = 0;

async function render(focusId) {
  const my = ++seq;
  const st = readState();
  const w = W[st.lang];
  applyWords(st, 'corrections');
  document.title = `${w.title} — Tiến Độ`;
  for (const [id, k] of [['h1', 'title'], ['lede', 'lede'], ['l-campaign', 'campaign'], ['l-metric', 'metric'], ['l-from', 'from'], ['l-to', 'to'], ['show', 'show']]) $(id).textContent = w[k];
  $('controls').setAttribute('aria-label', w.controls);
  $('pager').setAttribute('aria-label', w.pager);
  $('error').hidden = true;
  const main = $('main');
  main.setAttribute('aria-busy', 'true');
  setStatus(words(st).loading);
  try {
    const list = await cached('list', () => gql(Q_CAMPAIGNS).then((d) => d.campaigns.edges.map((e) => e.node)));
    if (my !== seq) return;
    const c = pickCampaign(list, st.campaign, words(st));
    fill($('campaign'), list.map((x) => [x.slug, nameOf(x, st.lang)]), c.slug);
    fill($('metric'), [['', w.allMetrics], ...c.metrics.map((m) => [m.key, metricName(m, st.lang)])], st.metric);
    for (const id of ['from', 'to']) Object.assign($(id), { min: c.startDate, max: c.endDate, value: st[id] });

    const scope = st.scope && st.scope !== c.scope.code ? st.scope : '';
    const [u, d] = await Promise.all([
      scope ? cached(`u:${scope}:${st.to || c.endDate}`, () => gql(Q_UNIT, { code: scope, asOf: st.to || c.endDate })) : null,
      gql(Q_CORRECTIONS, { c: c.slug, s: scope || null, m: st.metric || null, from: st.from || null, to: st.to || null,
        first: PAGE, after: cursorBefore((st.page - 1) * PAGE), lang: apiLang(st.lang) }),
    ]);
    if (my !== seq) return;
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
  } catch (e) {
    if (my !== seq) return;
    setStatus('');
    showError(e, words(st));
  } finally {
    if (my === seq) main.removeAttribute('aria-busy');
  }
}

function go(url, focusId) {
  if (url !== location.pathname + location.search) history.pushState(null, '', url);
  render(focusId);
}

followLinks(go, 'h-table', render);
$('controls').addEventListener('submit', (ev) => {
  ev.preventDefault();
  go(link({ campaign: $('campaign').value, metric: $('metric').value, from: $('from').value, to: $('to').value, page: '' }), 'h-table');
});
// A new campaign resets what belongs to the old one.
$('campaign').addEventListener('change', () => go(link({ campaign: $('campaign').value, scope: '', metric: '', from: '', to: '', page: '' }), null));

render(null);
