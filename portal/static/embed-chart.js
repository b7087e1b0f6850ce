// The embeddable chart (embed-chart.html): one unit's cumulative series of one
// metric against its quota, as of ?date= (default: the latest day), with the
// campaign's milestones, its summary in words, downloads, and a link back.
import { gql, apiLang } from './api.js';
import { $, el, readParams, unitName, metricName, nameOf, pageURL, showError } from './common.js';
import { words, fmtDate, LICENCE } from './i18n.js';
import { drawSeries, projectAtPace, summary } from './chart.js';

const Q_CAMPAIGN = `query Embed($c: String!) {
  campaign(slug: $c) { slug name nameEn startDate endDate scope { code } metrics { key nameVi nameEn } milestones { date labelVi labelEn } }
  dataset { demo } }`;
const Q_UNIT = 'query Unit($u: String!, $d: Date) { unit(code: $u, asOf: $d) { code fullName nameEn } }';
const Q_SERIES = `query Series($c: String!, $u: String!, $m: String!, $from: Date, $to: Date, $after: String, $lang: Lang) {
  progress(campaign: $c, unitCode: $u, metric: $m, from: $from, to: $to, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { date figure quota rate pace7d projectedCompletion outcome figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang) } } } }`;
const WORDS = {
  vi: { asOf: (d) => `Tính đến ngày ${d}`, more: 'Xem trên Tiến Độ', missing: 'Thiếu tham số campaign (chiến dịch).' },
  en: { asOf: (d) => `As of ${d}`, more: 'See it on Tiến Độ', missing: 'The campaign parameter is missing.' },
};

async function main() {
  const st = readParams(['campaign', 'unit', 'metric', 'date']);
  const w = { ...words(st.lang), ...WORDS[st.lang] };
  document.documentElement.lang = w.htmlLang;
  const busy = $('main');
  try {
    if (!st.campaign) throw new Error(w.missing);
    const { campaign: c, dataset } = await gql(Q_CAMPAIGN, { c: st.campaign });
    if (!c) throw new Error(st.campaign);
    const to = st.date && st.date < c.endDate ? st.date : c.endDate;
    const unit = (await gql(Q_UNIT, { u: st.unit || c.scope.code, d: to < c.startDate ? c.startDate : to })).unit;
    if (!unit) throw new Error(st.unit);
    const metric = c.metrics.find((m) => m.key === st.metric) || c.metrics[0];
    const points = [];
    for (let after = null; ;) {
      const p = (await gql(Q_SERIES, { c: c.slug, u: unit.code, m: metric.key, from: c.startDate, to, after, lang: apiLang(st.lang) })).progress;
      points.push(...p.edges.map((e) => e.node));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    const shown = points.filter((p) => p.figure != null || p.quota != null);
    const cur = shown[shown.length - 1];
    const title = `${metricName(metric, st.lang)} — ${unitName(unit, st.lang)}`;
    document.title = `${title} — Tiến Độ`;
    $('title').textContent = title;
    $('sub').textContent = nameOf(c, st.lang);
    $('summary').textContent = summary(shown, cur, c, st.lang);
    const link = new URL(pageURL('unit.html', { campaign: c.slug, unit: unit.code, metric: metric.key, date: st.date }, st.lang), location.href).href;
    $('src').replaceChildren(dataset.demo ? el('strong', null, w.demo + ' ') : '', cur ? w.asOf(fmtDate(cur.date, st.lang)) + ' · ' : '', el('a', { href: link, target: '_blank', rel: 'noopener' }, w.more),
      ' · ', el('a', { href: LICENCE.url, target: '_blank', rel: 'license noopener' }, LICENCE.name));
    busy.removeAttribute('aria-busy');
    if (!cur) return;
    await drawSeries($('chart'), {
      series: { dates: shown.map((p) => p.date), figures: shown.map((p) => p.figure), quotas: shown.map((p) => p.quota) },
      projection: (() => { const pr = projectAtPace(cur.date, cur.figure, cur.pace7d, cur.quota, c.endDate); return pr.dates.length > 1 ? pr : null; })(),
      milestones: c.milestones,
      labels: w.chartLabels, lang: st.lang, title, height: 220,
    });
  } catch (e) {
    busy.removeAttribute('aria-busy');
    showError(e, w);
  }
}

main();
