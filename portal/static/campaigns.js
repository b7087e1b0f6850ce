// The campaigns page: every campaign with its legal basis, dates and status;
// ?campaign=slug shows one in full: deadline, bands, metrics with the
// scope's current figures, milestones and the scope's quotas.
import { gql, ApiError, apiLang, cached } from './api.js';
import { fmtInt, fmtDate, words as allWords } from './i18n.js';
import {
  $, el, readParams, pageURL, today, clamp, nameOf, unitName, metricName, labelOf, applyWords, setStatus, bandOf,
  bandBadge, bar, rendering, campaignList,
} from './common.js';

const W = {
  vi: {
    title: 'Các chiến dịch', lede: 'Mỗi chiến dịch (kế hoạch, đợt cao điểm) có căn cứ pháp lý, phạm vi, thời gian, chỉ tiêu và hạn báo cáo hằng ngày.',
    all: '← Tất cả chiến dịch', details: 'Chi tiết', home: 'Tiến độ', rankings: 'Xếp hạng', archive: 'Bản tin', feed: 'Atom',
    facts: { legal: 'Căn cứ', period: 'Thời gian', status: 'Trạng thái', scope: 'Phạm vi', deadline: 'Hạn báo cáo', days: 'Số ngày' },
    deadline: (t, n, tz) => `${t} ngày ${n === 0 ? 'báo cáo' : n === 1 ? 'hôm sau' : `thứ ${n} sau ngày báo cáo`} (giờ ${tz})`,
    nDays: (n) => `${n} ngày`,
    bands: 'Xếp loại theo tỷ lệ đạt', band: 'Xếp loại', from: 'Từ', to: 'Dưới',
    rules: (list) => `Các phiên bản quy tắc xếp loại: ${list}. Mỗi ngày được xếp loại theo phiên bản áp dụng ngày đó; bảng trên là phiên bản mới nhất.`,
    rulesItem: (v, d) => `phiên bản ${v} từ ${d}`,
    metrics: (d) => `Chỉ số, tính đến ngày ${d}`, metricCol: 'Chỉ số', figure: 'Số liệu', quota: 'Chỉ tiêu', rate: 'Tỷ lệ đạt',
    milestones: 'Các mốc (bấm để xem bảng xếp hạng đã chốt)', noMilestones: 'Chiến dịch không có mốc trung gian.',
    quotas: (u) => `Chỉ tiêu của ${u}`, qth: { metric: 'Chỉ số', target: 'Chỉ tiêu', from: 'Áp dụng từ', reason: 'Lý do', ref: 'Văn bản' },
    quotasSum: 'Phạm vi chiến dịch không có chỉ tiêu riêng: chỉ tiêu là tổng chỉ tiêu của các đơn vị cấp dưới.',
    quotasCount: (n) => `${n} chỉ tiêu đang áp dụng cho các đơn vị trong phạm vi.`,
  },
  en: {
    title: 'Campaigns', lede: 'Each campaign (plan, peak drive) has a legal basis, a scope, dates, quotas and a daily reporting deadline.',
    all: '← All campaigns', details: 'Details', home: 'Progress', rankings: 'Rankings', archive: 'Bulletins', feed: 'Atom',
    facts: { legal: 'Legal basis', period: 'Period', status: 'Status', scope: 'Scope', deadline: 'Report deadline', days: 'Length' },
    deadline: (t, n, tz) => `${t} ${n === 0 ? 'on the day reported' : n === 1 ? 'the next day' : `${n} days after the day reported`} (${tz})`,
    nDays: (n) => `${n} days`,
    bands: 'Bands by rate', band: 'Band', from: 'From', to: 'Below',
    rules: (list) => `Versions of the banding rules: ${list}. Each day is banded by the version in force that day; the table shows the latest.`,
    rulesItem: (v, d) => `version ${v} from ${d}`,
    metrics: (d) => `Metrics as of ${d}`, metricCol: 'Metric', figure: 'Figure', quota: 'Quota', rate: 'Rate',
    milestones: 'Milestones (select one for its frozen ranking)', noMilestones: 'This campaign has no intermediate milestones.',
    quotas: (u) => `Quotas of ${u}`, qth: { metric: 'Metric', target: 'Quota', from: 'From', reason: 'Reason', ref: 'Document' },
    quotasSum: 'The campaign’s scope has no quota of its own: its quota is the sum of its children’s.',
    quotasCount: (n) => `${n} quotas in force for the units in scope.`,
  },
};

const FIELDS = `slug name nameEn legalRef startDate endDate status reportDeadline deadlineDays timeZone
  scope { code fullName nameEn } bands { key min labelVi labelEn } metrics { key nameVi nameEn } milestones { date labelVi labelEn }
  rulesVersions { version effectiveFrom }`;
const Q_LIST = `query { campaigns(first: 50) { edges { node { ${FIELDS} } } } }`;

/** Percent of a band threshold, e.g. 0.7 → 70%. */
const pct = (x, lang) => new Intl.NumberFormat(allWords(lang).locale, { style: 'percent', maximumFractionDigits: 2 }).format(x);
const days = (a, b) => Math.round((Date.parse(b) - Date.parse(a)) / 864e5) + 1;

function facts(c, st, w, words) {
  const dl = el('dl', { class: 'facts' });
  const add = (k, v) => dl.append(el('div', null, el('dt', { text: k }), el('dd', null, v)));
  add(w.facts.legal, c.legalRef || '—');
  add(w.facts.period, words.period(fmtDate(c.startDate, st.lang), fmtDate(c.endDate, st.lang)) + ` (${w.nDays(fmtInt(days(c.startDate, c.endDate), st.lang))})`);
  add(w.facts.status, el('span', { class: 'status status-' + c.status, text: words.status[c.status] || c.status }));
  add(w.facts.scope, unitName(c.scope, st.lang));
  add(w.facts.deadline, w.deadline(c.reportDeadline, c.deadlineDays, c.timeZone));
  return dl;
}

function links(c, st, w) {
  return el('p', { class: 'links' },
    el('a', { href: pageURL('./', { campaign: c.slug }, st.lang) }, w.home), ' · ',
    el('a', { href: pageURL('rankings.html', { campaign: c.slug }, st.lang) }, w.rankings), ' · ',
    el('a', { href: `bulletins/${encodeURIComponent(c.slug)}/${st.lang === 'en' ? 'index.en.html' : ''}` }, w.archive), ' · ',
    el('a', { href: `feeds/${encodeURIComponent(c.slug)}.atom` }, w.feed));
}

function renderList(list, st, w, words) {
  return el('ul', { class: 'campaigns' }, ...list.map((c) => el('li', null,
    el('h2', null, el('a', { href: pageURL('campaigns.html', { campaign: c.slug }, st.lang) }, nameOf(c, st.lang))),
    facts(c, st, w, words), links(c, st, w))));
}

async function renderOne(c, st, w, words) {
  const lang = apiLang(st.lang);
  const day = clamp(today(), c.startDate, c.endDate);
  const vars = c.metrics.map((_, i) => `$m${i}: String!`).join(', ');
  const fields = c.metrics.map((_, i) => `m${i}: progress(campaign: $c, unitCode: $u, metric: $m${i}, to: $d, first: 100) { totalCount edges { node { date figure rate band figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang) } } }`).join('\n');
  const q = `query One($c: String!, $u: String!, $d: Date, $lang: Lang${vars ? ', ' + vars : ''}) {
    campaign(slug: $c) {
      quotaHistory(unitCode: $u, first: 100) { edges { node { metric { key nameVi nameEn } targetText(lang: $lang) effectiveFrom reason reference } } }
      quotas(first: 1) { totalCount }
    }
    ${fields}
  }`;
  const v = { c: c.slug, u: c.scope.code, d: day, lang };
  c.metrics.forEach((m, i) => (v['m' + i] = m.key));
  const d = await cached(`one:${c.slug}:${day}:${st.lang}`, () => gql(q, v));
  // The latest day with a figure, per metric (a series can end in days with no data yet).
  const latest = c.metrics.map((m, i) => {
    const pts = d['m' + i].edges.map((e) => e.node).filter((p) => p.figure != null);
    return { metric: m, p: pts[pts.length - 1] || null };
  });
  const asOf = latest.map((x) => x.p && x.p.date).filter(Boolean).sort().pop() || day;
  const out = [
    el('p', null, el('a', { href: pageURL('campaigns.html', {}, st.lang) }, w.all)),
    facts(c, st, w, words), links(c, st, w),
    el('h2', { text: w.metrics(fmtDate(asOf, st.lang)) }),
    el('div', { class: 'table-wrap' }, el('table', { id: 'metrics-table' },
      el('thead', null, el('tr', null, ...[w.metricCol, w.figure, w.quota, w.rate, w.band].map((t, i) => el('th', { scope: 'col', class: i && i < 3 ? 'num' : null, text: t })))),
      el('tbody', null, ...latest.map(({ metric, p }) => {
        const band = p && bandOf(c.bands, p.rate, p.band);
        return el('tr', null, el('th', { scope: 'row', text: metricName(metric, st.lang) }),
          el('td', { class: 'num', text: p ? p.figureText : '—' }), el('td', { class: 'num', text: p ? p.quotaText ?? '—' : '—' }),
          el('td', { class: 'col-rate' }, el('span', { class: 'rate', text: p ? p.rateText ?? '—' : '—' }), bar(p && p.rate, band && band.key)),
          el('td', null, bandBadge(band, st.lang)));
      })))),
    el('h2', { text: w.bands }),
    el('div', { class: 'table-wrap' }, el('table', { id: 'bands-table' },
      el('thead', null, el('tr', null, el('th', { scope: 'col', text: w.band }), el('th', { scope: 'col', class: 'num', text: w.from }), el('th', { scope: 'col', class: 'num', text: w.to }))),
      el('tbody', null, ...c.bands.map((b, i) => el('tr', null, el('th', { scope: 'row' }, bandBadge(b, st.lang)),
        el('td', { class: 'num', text: '≥ ' + pct(b.min, st.lang) }), el('td', { class: 'num', text: i ? '< ' + pct(c.bands[i - 1].min, st.lang) : '—' })))))),
    c.rulesVersions.length > 1
      ? el('p', { id: 'rules-versions', class: 'small', text: w.rules(c.rulesVersions.map((r) => w.rulesItem(r.version, fmtDate(r.effectiveFrom, st.lang))).join('; ')) })
      : '',
    el('h2', { text: w.milestones }),
    c.milestones.length
      ? el('ul', { id: 'milestones' }, ...c.milestones.map((m) => el('li', null,
        el('a', { href: pageURL('milestone.html', { campaign: c.slug, date: m.date }, st.lang) }, el('strong', { text: fmtDate(m.date, st.lang) })),
        ' — ', labelOf(m, st.lang))))
      : el('p', { class: 'muted', text: w.noMilestones }),
    el('h2', { text: w.quotas(unitName(c.scope, st.lang)) }),
  ];
  const qs = d.campaign.quotaHistory.edges.map((e) => e.node);
  if (qs.length) {
    out.push(el('div', { class: 'table-wrap' }, el('table', { id: 'quotas-table' },
      el('thead', null, el('tr', null, ...['metric', 'target', 'from', 'reason', 'ref'].map((k) => el('th', { scope: 'col', class: k === 'target' ? 'num' : null, text: w.qth[k] })))),
      el('tbody', null, ...qs.map((q) => el('tr', null, el('td', { text: metricName(q.metric, st.lang) }), el('td', { class: 'num', text: q.targetText }),
        el('td', { text: fmtDate(q.effectiveFrom, st.lang) }), el('td', { text: q.reason || '—' }), el('td', { text: q.reference || '—' })))))));
  } else {
    out.push(el('p', { text: w.quotasSum }));
  }
  out.push(el('p', { class: 'small muted', text: w.quotasCount(fmtInt(d.campaign.quotas.totalCount, st.lang)) }));
  return out;
}

function render() {
  const st = readParams(['campaign']);
  const w = W[st.lang];
  const words = allWords(st.lang);
  applyWords(st, 'campaigns');
  $('lede').textContent = w.lede;
  return rendering(words, async () => {
    const list = await campaignList(Q_LIST);
    if (st.campaign) {
      const c = list.find((x) => x.slug === st.campaign);
      if (!c) throw new ApiError(words.notFound(st.campaign), 'NOT_FOUND');
      document.title = `${nameOf(c, st.lang)} — Tiến Độ`;
      $('h1').textContent = nameOf(c, st.lang);
      $('content').replaceChildren(...await renderOne(c, st, w, words));
    } else {
      document.title = `${w.title} — Tiến Độ`;
      $('h1').textContent = w.title;
      $('content').replaceChildren(list.length ? renderList(list, st, w, words) : el('p', { text: words.noCampaigns }));
    }
    setStatus('');
  });
}

render();
