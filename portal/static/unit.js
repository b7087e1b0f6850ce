// A unit's page: where it sits in the tree, its figures per metric, its
// series against the quota, a calendar of its reports, the units below it
// and its quota history. State lives in the URL
// (?campaign&unit&metric&date&lang).
import { gql, ApiError, apiLang, cached } from './api.js';
import { fmtInt, fmtDelta, fmtDate, words as allWords } from './i18n.js';
import {
  $, el, LEVELS, readParams, urlWith, pageURL, today, clamp, nameOf, unitName, metricName, applyWords, setStatus,
  bandOf, bandBadge, bar, rankCell, riskMark, markCorrections, rendering, campaignList, followLinks, moreRows,
  metricDayControls,
} from './common.js';
import { bilingual, pickCampaign, fillSelect } from './page.js';
import { drawSeries, projectAtPace, summary } from './chart.js';
import { renderCalendar } from './calendar.js';

const KEYS = ['campaign', 'unit', 'metric', 'date'];
const W = bilingual({
  unit: ['Đơn vị', 'Unit'],
  metric: ['Chỉ số', 'Metric'],
  date: ['Ngày', 'Day'],
  show: ['Xem', 'Show'],
  controls: ['Chọn số liệu', 'Choose figures'],
  crumbs: ['Đơn vị cấp trên', 'Units above'],
  sub: [(kind, code, c) => `${kind}, mã ${code} · ${c}`, (kind, code, c) => `${kind}, code ${code} · ${c}`],
  fixes: [(d) => `Xem đính chính số liệu ngày ${d}`, (d) => `See the corrections of ${d}`],
  kinds: {
    NATION: ['Quốc gia', 'Nation'],
    PROVINCE: ['Tỉnh, thành phố', 'Province'],
    DISTRICT: ['Quận, huyện', 'District'],
    COMMUNE: ['Xã, phường, thị trấn', 'Commune'],
    VILLAGE: ['Thôn, tổ dân phố', 'Village'],
    AGENCY: ['Cơ quan', 'Agency'],
  },
  figures: [(d) => `Số liệu tính đến ngày ${d}`, (d) => `Figures as of ${d}`],
  pace: [(n) => `Tốc độ 7 ngày qua: ${n}/ngày`, (n) => `7-day pace: ${n}/day`],
  need: [(n) => `cần ${n}/ngày để đạt chỉ tiêu đúng hạn`, (n) => `needs ${n}/day to reach the quota in time`],
  reached: ['đã đạt chỉ tiêu', 'quota reached'],
  projected: [(d) => `dự kiến đạt chỉ tiêu ngày ${d}`, (d) => `quota projected on ${d}`],
  source: {
    REPORTED: ['đơn vị tự báo cáo', 'own report'],
    ROLLUP: ['cộng từ các đơn vị cấp dưới', 'sum of the units below'],
    CARRIED: ['giữ số liệu báo cáo trước', 'earlier report carried forward'],
    NONE: ['chưa có số liệu', 'no data'],
  },
  chart: [(m) => `Diễn biến ${m}`, (m) => `${m} over time`],
  labels: {
    figure: ['Số liệu', 'Figure'],
    quota: ['Chỉ tiêu', 'Quota'],
    projection: ['Dự kiến theo tốc độ 7 ngày', 'Projected at the 7-day pace'],
  },
  data: ['Số liệu từng ngày (bảng)', 'Day by day (table)'],
  th: {
    date: ['Ngày', 'Day'],
    figure: ['Số liệu', 'Figure'],
    quota: ['Chỉ tiêu', 'Quota'],
    rate: ['Tỷ lệ', 'Rate'],
    delta: ['Tăng', 'Change'],
    report: ['Báo cáo', 'Report'],
  },
  calendar: [(m) => `Lịch báo cáo (${m})`, (m) => `Reporting calendar (${m})`],
  calCaption: ['Mỗi ô là một ngày của chiến dịch.', 'One cell per day of the campaign.'],
  weekdays: [['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN'], ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']],
  st: {
    onTime: ['đúng hạn', 'on time'],
    late: ['trễ hạn', 'late'],
    missing: ['không báo cáo', 'not reported'],
    partial: ['có đơn vị trễ hoặc chưa báo cáo', 'some units late or not reported'],
    corrected: ['đã đính chính', 'corrected'],
    future: ['chưa đến hạn', 'not yet due'],
  },
  part: [(on, total) => `${on}/${total} đúng hạn`, (on, total) => `${on}/${total} on time`],
  children: [(lv) => `${lv} trực thuộc`, (lv) => `${lv} below`],
  childrenCaption: [(n) => `${n} đơn vị, xếp theo tỷ lệ đạt.`, (n) => `${n} units, by rate.`],
  levels: {
    PROVINCE: ['Các tỉnh, thành phố', 'Provinces'],
    DISTRICT: ['Các quận, huyện', 'Districts'],
    COMMUNE: ['Các xã, phường, thị trấn', 'Communes'],
  },
  rth: {
    rank: ['Hạng', 'Rank'],
    unit: ['Đơn vị', 'Unit'],
    figure: ['Số liệu', 'Figure'],
    quota: ['Chỉ tiêu', 'Quota'],
    rate: ['Tỷ lệ đạt', 'Rate'],
    band: ['Xếp loại', 'Band'],
  },
  quotas: ['Lịch sử chỉ tiêu', 'Quota history'],
  qth: {
    metric: ['Chỉ số', 'Metric'],
    target: ['Chỉ tiêu', 'Quota'],
    from: ['Áp dụng từ', 'From'],
    reason: ['Lý do', 'Reason'],
    ref: ['Văn bản', 'Document'],
  },
  noQuota: [
    'Đơn vị chưa có chỉ tiêu riêng: chỉ tiêu của đơn vị là tổng chỉ tiêu của các đơn vị cấp dưới.',
    'This unit has no quota of its own: its quota is the sum of its children’s.',
  ],
  more: ['Xem thêm', 'Show more'],
  nowPart: ['Nay thuộc ', 'Now part of '],
  formedFrom: ['Hình thành từ ', 'Formed from '],
});

const CAMPAIGN_FIELDS = 'fragment C on Campaign { slug name nameEn startDate endDate status scope { code fullName nameEn } }';
const Q_CAMPAIGNS = `query Campaigns { campaigns(first: 50) { edges { node { ...C } } } } ${CAMPAIGN_FIELDS}`;
const Q_DETAIL = `query Detail($slug: String!, $unit: String!, $asOf: Date, $lang: Lang) {
  campaign(slug: $slug) {
    bands { key min labelVi labelEn } metrics { key nameVi nameEn } milestones { date labelVi labelEn }
    quotaHistory(unitCode: $unit, asOf: $asOf, first: 100) { edges { node { metric { key nameVi nameEn } target targetText(lang: $lang) effectiveFrom reason reference } } }
  }
  unit(code: $unit, asOf: $asOf) {
    code fullName nameEn kind ancestors { code fullName nameEn }
    successors { unit { code fullName nameEn validFrom } }
    predecessors { unit { code fullName nameEn validTo } }
    p: children(kind: PROVINCE, asOf: $asOf, first: 1) { totalCount }
    d: children(kind: DISTRICT, asOf: $asOf, first: 1) { totalCount }
    c: children(kind: COMMUNE, asOf: $asOf, first: 1) { totalCount }
  }
}`;
const POINT = `date figure quota rate source staleDays delta band pace7d requiredPace projectedCompletion atRisk outcome
  coverage { onTime late missing total } revisionCount corrected figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang)`;
// The series needs less than a card (100 days of every field would cost over the API's limit).
const SERIES_POINT = `date figure quota rate source staleDays delta pace7d projectedCompletion outcome
  coverage { onTime late missing total } corrected figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang)`;
const Q_SERIES = `query Series($c: String!, $u: String!, $m: String!, $from: Date, $to: Date, $after: String, $lang: Lang) {
  progress(campaign: $c, unitCode: $u, metric: $m, from: $from, to: $to, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { ${SERIES_POINT} } } } }`;
const Q_RANKING = `query Ranking($c: String!, $m: String!, $d: Date, $s: String, $l: UnitKind!, $after: String, $lang: Lang) {
  ranking(campaign: $c, metric: $m, date: $d, scopeCode: $s, level: $l, first: 100, after: $after) {
    date totalCount pageInfo { hasNextPage endCursor }
    edges { node { rank rankChange unit { code fullName nameEn } figure quota rate band atRisk outcome source staleDays
      figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang) coverage { late missing } } } } }`;

const readState = () => readParams(KEYS);
const link = (patch) => urlWith(KEYS, patch);
let more = null;

/** A unit's series for one metric over days from..to (every page). */
async function fetchSeries(c, u, m, from, to, lang) {
  const out = [];
  let after = null;
  for (;;) {
    const p = (await gql(Q_SERIES, { c, u, m, from, to, after, lang: apiLang(lang) })).progress;
    out.push(...p.edges.map((e) => e.node));
    if (!p.pageInfo.hasNextPage) return out;
    after = p.pageInfo.endCursor;
  }
}

/** The last day of every metric's series (for the cards), in one request. */
async function fetchDay(c, u, metrics, day, lang) {
  const vars = metrics.map((_, i) => `$m${i}: String!`).join(', ');
  const fields = metrics.map((_, i) => `m${i}: progress(campaign: $c, unitCode: $u, metric: $m${i}, from: $d, to: $d, first: 1) { edges { node { ${POINT} } } }`).join('\n');
  const v = { c, u, d: day, lang: apiLang(lang) };
  metrics.forEach((m, i) => (v['m' + i] = m.key));
  const d = await gql(`query Day($c: String!, $u: String!, $d: Date, $lang: Lang, ${vars}) {\n${fields}\n}`, v);
  return metrics.map((m, i) => ({ metric: m, p: d['m' + i].edges[0]?.node || null }));
}

// ---- Rendering ----

/**
 * The 2025 reform, both ways: what an old unit became ("nay thuộc …") and
 * what a new one was formed from ("hình thành từ …"). A unit of the other
 * map links to its page in this campaign when the campaign reaches its days,
 * else (a new unit, an old campaign) to the campaign read on today's map.
 */
function renderReform(unit, c, st, w) {
  const line = (label, links, href) => (links.length
    ? el('p', { class: 'small' }, label, ...links.flatMap((l, i) => [i ? ', ' : '', href(l.unit)
      ? el('a', { href: href(l.unit), 'data-reform': l.unit.code }, unitName(l.unit, st.lang))
      : unitName(l.unit, st.lang)]))
    : '');
  $('reform').replaceChildren(
    line(w.nowPart, unit.successors, (u) => (u.validFrom <= c.endDate
      ? pageURL('unit.html', { campaign: c.slug, unit: u.code, metric: st.metric, date: u.validFrom > c.startDate ? u.validFrom : '' }, st.lang)
      : pageURL('rankings.html', { campaign: c.slug, map: 'current', scope: u.code, metric: st.metric }, st.lang))),
    line(w.formedFrom, unit.predecessors, (u) => (u.validTo >= c.startDate
      ? pageURL('unit.html', { campaign: c.slug, unit: u.code, metric: st.metric, date: u.validTo < c.endDate ? u.validTo : '' }, st.lang)
      : null)),
  );
}

function renderCards(list, bands, st, w, words) {
  $('metrics').replaceChildren(...list.map(({ metric, p }) => {
    const li = el('li', { class: metric.key === st.metric ? 'selected' : null }, el('h3', { text: metricName(metric, st.lang) }));
    if (!p || p.figure == null) {
      li.append(el('p', { class: 'muted', text: words.noData }));
      return li;
    }
    const band = bandOf(bands, p.rate, p.band);
    li.append(
      el('p', { class: 'big' }, el('strong', { text: p.figureText }), p.quota != null ? ` / ${p.quotaText}` : ''),
      bar(p.rate, band && band.key),
      el('p', null, p.rate != null ? words.reached(p.rateText) : words.noQuota, ' ', band ? bandBadge(band, st.lang) : ''),
      p.delta != null ? el('p', { class: 'small', text: words.dayDelta(fmtDelta(p.delta, st.lang)) }) : '',
      p.pace7d != null ? el('p', { class: 'small', text: w.pace(fmtInt(Math.round(p.pace7d), st.lang)) + (p.requiredPace != null ? '; ' + (p.requiredPace === 0 ? w.reached : w.need(fmtInt(Math.ceil(p.requiredPace), st.lang))) : '') }) : '',
      p.projectedCompletion ? el('p', { class: 'small', text: w.projected(fmtDate(p.projectedCompletion, st.lang)) }) : '',
      p.outcome || p.atRisk ? el('p', null, riskMark(p, words)) : '',
      el('p', { class: 'small muted', text: p.source === 'CARRIED' ? words.stale(p.staleDays) : w.source[p.source] }),
      metric.key === st.metric ? '' : el('p', { class: 'small' }, el('a', { href: link({ metric: metric.key }), 'data-nav': true }, w.chart(metricName(metric, st.lang)))),
    );
    return li;
  }));
}

function renderSeriesTable(points, st, w) {
  $('series-head').replaceChildren(el('tr', null, ...['date', 'figure', 'quota', 'rate', 'delta', 'report'].map((k) => el('th', { scope: 'col', class: k === 'date' || k === 'report' ? null : 'num', text: w.th[k] }))));
  $('series-rows').replaceChildren(...points.map((p) => el('tr', null,
    el('th', { scope: 'row', text: fmtDate(p.date, st.lang) }),
    el('td', { class: 'num', text: p.figureText ?? '—' }),
    el('td', { class: 'num', text: p.quotaText ?? '—' }),
    el('td', { class: 'num', text: p.rateText ?? '—' }),
    el('td', { class: 'num', text: p.delta == null ? '—' : fmtDelta(p.delta, st.lang) }),
    el('td', null, w.source[p.source], p.corrected ? ' · ' : '', p.corrected ? fixLink(p.date, st, w, w.st.corrected) : ''),
  )));
}

/**
 * A link to the corrections page for the unit (st.unit), metric and day:
 * every corrected figure leads to its old values and the reasons.
 */
function fixLink(day, st, w, text) {
  const href = pageURL('corrections.html', { campaign: st.campaign, scope: st.unit, metric: st.metric, from: day, to: day }, st.lang);
  return el('a', { class: 'cal-fix', href, title: w.fixes(fmtDate(day, st.lang)) }, text);
}

function renderChildren(c, unit, level, metric, rank, bands, st, w, words) {
  const sec = $('children-section');
  more = null;
  $('more').hidden = true;
  if (!rank) {
    sec.hidden = true;
    return;
  }
  sec.hidden = false;
  $('h-children').textContent = w.children(w.levels[level]);
  $('children-caption').textContent = w.childrenCaption(fmtInt(rank.totalCount, st.lang));
  $('children-head').replaceChildren(el('tr', null, ...['rank', 'unit', 'figure', 'quota', 'rate', 'band'].map((k) => el('th', { scope: 'col', class: ['rank', 'figure', 'quota'].includes(k) ? 'num' : null, text: w.rth[k] }))));
  const byKey = new Map(bands.map((b) => [b.key, b]));
  const rowsOf = (conn) => conn.edges.map(({ node: r }) => {
    const band = r.band ? byKey.get(r.band) : null;
    return el('tr', { class: r.atRisk ? 'risk' : null, 'data-unit': r.unit.code },
      el('td', { class: 'num' }, rankCell(r, words)),
      el('th', { scope: 'row' }, el('a', { href: link({ unit: r.unit.code }), 'data-nav': true }, unitName(r.unit, st.lang)),
        words.coverage(r.coverage.late, r.coverage.missing) ? el('span', { class: 'small block', text: words.coverage(r.coverage.late, r.coverage.missing) }) : ''),
      el('td', { class: 'num', text: r.figureText ?? '—' }),
      el('td', { class: 'num', text: r.quotaText ?? '—' }),
      el('td', { class: 'col-rate' }, el('span', { class: 'rate', text: r.rateText ?? '—' }), bar(r.rate, band && band.key)),
      el('td', null, bandBadge(band, st.lang), riskMark(r, words)));
  });
  $('children-rows').replaceChildren(...rowsOf(rank));
  const mark = () => markCorrections($('children-rows'), { campaign: c.slug, metric: metric.key, date: rank.date, scope: unit.code, lang: st.lang });
  mark();
  more = moreRows(rank.pageInfo, async (after) => (await gql(Q_RANKING, { c: c.slug, m: metric.key, d: rank.date, s: unit.code, l: level, after, lang: apiLang(st.lang) })).ranking, (next) => {
    $('children-rows').append(...rowsOf(next));
    mark();
  }, words);
}

function renderQuotas(history, st, w) {
  const rows = history.edges.map((e) => e.node);
  $('no-quota').hidden = rows.length > 0;
  $('no-quota').textContent = w.noQuota;
  $('quotas').hidden = !rows.length;
  $('quota-head').replaceChildren(el('tr', null, ...['metric', 'target', 'from', 'reason', 'ref'].map((k) => el('th', { scope: 'col', class: k === 'target' ? 'num' : null, text: w.qth[k] }))));
  $('quota-rows').replaceChildren(...rows.map((q) => el('tr', null,
    el('td', { text: metricName(q.metric, st.lang) }),
    el('td', { class: 'num', text: q.targetText }),
    el('td', { text: fmtDate(q.effectiveFrom, st.lang) }),
    el('td', { text: q.reason || '—' }),
    el('td', { text: q.reference || '—' }))));
}

function render(focusId) {
  const st = readState();
  const w = W[st.lang];
  const words = allWords(st.lang);
  applyWords(st, 'unit');
  for (const [id, k] of [['l-metric', 'metric'], ['l-date', 'date'], ['show', 'show'], ['more', 'more'], ['h-quotas', 'quotas'], ['chart-data-label', 'data']]) $(id).textContent = w[k];
  $('controls').setAttribute('aria-label', w.controls);
  $('crumbs').setAttribute('aria-label', w.crumbs);
  return rendering(words, async (current) => {
    const list = await campaignList(Q_CAMPAIGNS);
    if (!current()) return;
    const c = pickCampaign(list, st.campaign, words);
    const asOf = clamp(st.date || today(), c.startDate, c.endDate);
    const code = st.unit || c.scope.code;
    const d = await cached(`u:${c.slug}:${code}:${asOf}:${st.lang}`, () => gql(Q_DETAIL, { slug: c.slug, unit: code, asOf, lang: apiLang(st.lang) }));
    if (!current()) return;
    const unit = d.unit;
    if (!unit) throw new ApiError(words.unknownUnit(code), 'NOT_FOUND');
    if (unit.code !== c.scope.code && !unit.ancestors.some((a) => a.code === c.scope.code)) throw new ApiError(words.outOfScope, 'NOT_FOUND');
    const { metrics, bands, milestones } = d.campaign;
    const metric = metrics.find((m) => m.key === st.metric) || metrics[0];
    const stm = { ...st, metric: metric.key };
    document.title = `${unitName(unit, st.lang)} — Tiến Độ`;
    $('h1').textContent = unitName(unit, st.lang);
    $('sub').textContent = w.sub(w.kinds[unit.kind] || unit.kind, unit.code, nameOf(c, st.lang));
    renderReform(unit, c, st, w);
    const chain = [...unit.ancestors, unit];
    const from = Math.max(0, chain.findIndex((u) => u.code === c.scope.code));
    const ol = el('ol');
    chain.slice(from).forEach((u, i, all) => ol.append(el('li', null, i === all.length - 1
      ? el('span', { 'aria-current': 'page', text: unitName(u, st.lang) })
      : el('a', { href: link({ unit: u.code === c.scope.code ? '' : u.code }), 'data-nav': true }, unitName(u, st.lang)))));
    $('crumbs').replaceChildren(ol);
    fillSelect($('metric'), metrics.map((m) => [m.key, metricName(m, st.lang)]), metric.key);

    // The whole series of the chosen metric: the chart, the table and the calendar.
    const last = clamp(today(), c.startDate, c.endDate);
    const points = await cached(`s:${c.slug}:${unit.code}:${metric.key}:${st.lang}`, () => fetchSeries(c.slug, unit.code, metric.key, c.startDate, last, st.lang));
    if (!current()) return;
    const withData = points.filter((p) => p.source !== 'NONE' || p.coverage.total > 0);
    const latestDay = withData.length ? withData[withData.length - 1].date : c.startDate;
    const day = st.date ? clamp(st.date, c.startDate, latestDay) : latestDay;
    const dateInput = $('date');
    dateInput.min = c.startDate;
    dateInput.max = latestDay;
    dateInput.value = day;

    const cards = await cached(`day:${c.slug}:${unit.code}:${day}:${st.lang}`, () => fetchDay(c.slug, unit.code, metrics, day, st.lang));
    if (!current()) return;
    $('h-figures').textContent = w.figures(fmtDate(day, st.lang));
    renderCards(cards, bands, stm, w, words);

    const level = LEVELS.find((k) => unit[k[0].toLowerCase()].totalCount > 0);
    const rank = level ? await cached(`r:${c.slug}:${metric.key}:${day}:${unit.code}:${level}:${st.lang}`,
      () => gql(Q_RANKING, { c: c.slug, m: metric.key, d: day, s: unit.code, l: level, lang: apiLang(st.lang) }).then((x) => x.ranking)) : null;
    if (!current()) return;
    renderChildren(c, unit, level, metric, rank, bands, st, w, words);
    renderQuotas(d.campaign.quotaHistory, st, w);

    const shown = points.filter((p) => p.date <= day);
    const stu = { ...stm, campaign: c.slug, unit: unit.code };
    renderSeriesTable(shown, stu, w);
    $('h-chart').textContent = w.chart(metricName(metric, st.lang));
    $('h-calendar').textContent = w.calendar(metricName(metric, st.lang).toLowerCase());
    renderCalendar(c, points.filter((p) => p.date <= latestDay), stu.lang, w, (day, text) => fixLink(day, stu, w, text));
    const cur = shown[shown.length - 1];
    const proj = cur ? projectAtPace(day, cur.figure, cur.pace7d, cur.quota, c.endDate) : null;
    $('chart-summary').textContent = summary(shown, cur, c, st.lang);
    setStatus('');
    $('main').removeAttribute('aria-busy');
    if (focusId) $(focusId)?.focus();
    if (shown.length) {
      await drawSeries($('chart'), {
        series: { dates: shown.map((p) => p.date), figures: shown.map((p) => p.figure), quotas: shown.map((p) => p.quota) },
        projection: proj && proj.dates.length > 1 ? proj : null,
        milestones,
        labels: w.labels, lang: st.lang, title: `${$('h-chart').textContent} — ${unitName(unit, st.lang)}`,
      });
    } else {
      $('chart').replaceChildren();
    }
  });
}

const go = followLinks(render, 'h1');
metricDayControls(go, link, 'h-figures', () => more);

render(null);
