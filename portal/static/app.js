// The portal's first page: campaigns, the progress of the chosen scope per
// metric, and the ranking of the units below it. State lives in the URL
// (?campaign=slug&scope=code&metric=key&date=YYYY-MM-DD&lang=en), so links can
// be shared and back/forward work. Everything is read from the GraphQL API.
import { gql, ApiError, apiLang, cached } from './api.js';
import { fmtInt, fmtDelta, fmtRate, fmtDate } from './i18n.js';
import {
  $, el, LEVELS, readParams, urlWith, pageURL, today, addDays, clamp, nameOf, unitName, metricName, labelOf,
  applyWords, showError, setStatus, bandOf, bandBadge, bar, rankCell, riskMark, markCorrections, rendering,
  campaignList, followLinks, moreRows, metricDayControls,
} from './common.js';

const KEYS = ['campaign', 'scope', 'metric', 'date'];

// ---- State in the URL ----

const readState = () => readParams(KEYS);
const link = (patch) => urlWith(KEYS, patch);

// ---- Queries ----

const CAMPAIGN_FIELDS = 'fragment C on Campaign { slug name nameEn legalRef startDate endDate status scope { code fullName nameEn } milestones { date labelVi labelEn } }';
const Q_CAMPAIGNS = `query Campaigns { campaigns(first: 50) { edges { node { ...C } } } } ${CAMPAIGN_FIELDS}`;
const Q_CAMPAIGN = `query Campaign($slug: String!) { campaign(slug: $slug) { ...C } } ${CAMPAIGN_FIELDS}`;
const Q_DETAIL = `query Detail($slug: String!, $unit: String!, $asOf: Date) {
  campaign(slug: $slug) { bands { key min labelVi labelEn } metrics { key nameVi nameEn } }
  unit(code: $unit, asOf: $asOf) {
    code fullName nameEn kind ancestors { code fullName nameEn }
    p: children(kind: PROVINCE, asOf: $asOf, first: 1) { totalCount }
    d: children(kind: DISTRICT, asOf: $asOf, first: 1) { totalCount }
    c: children(kind: COMMUNE, asOf: $asOf, first: 1) { totalCount }
  }
}`;
const Q_RANKING = `query Ranking($c: String!, $m: String!, $d: Date, $s: String, $l: UnitKind!, $after: String, $lang: Lang) {
  ranking(campaign: $c, metric: $m, date: $d, scopeCode: $s, level: $l, first: 100, after: $after) {
    date totalCount pageInfo { hasNextPage endCursor }
    bandCounts { band { key labelVi labelEn min } count }
    edges { node {
      rank rankChange unit { code fullName nameEn } figure quota rate band atRisk outcome source staleDays
      figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang) coverage { late missing }
    } }
  }
}`;
const Q_BULLETIN = `query Bulletin($c: String!, $d: Date!, $lang: Lang) {
  day: bulletin(campaign: $c, date: $d, lang: $lang) { date lead url }
  latest: bulletins(campaign: $c, first: 1, lang: $lang) { edges { node { date lead url } } } }`;
const POINT_FIELDS = 'fragment P on ProgressPoint { date figure quota rate band source staleDays delta figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang) }';

function fetchRanking(c, metric, date, scope, level, after, lang) {
  return gql(Q_RANKING, { c, m: metric, d: date || null, s: scope, l: level, after, lang: apiLang(lang) }).then((d) => d.ranking);
}

/** The last days (up to 7, ending on `to`) of the scope's series, one per metric. */
function fetchProgress(c, unit, metrics, from, to, lang) {
  if (!metrics.length) return Promise.resolve([]);
  const vars = metrics.map((_, i) => `$m${i}: String!`).join(', ');
  const fields = metrics
    .map((_, i) => `m${i}: progress(campaign: $c, unitCode: $u, metric: $m${i}, from: $from, to: $to, first: 7) { edges { node { ...P } } }`)
    .join('\n');
  const q = `query Progress($c: String!, $u: String!, $from: Date, $to: Date, $lang: Lang, ${vars}) {\n${fields}\n} ${POINT_FIELDS}`;
  const v = { c, u: unit, from, to, lang: apiLang(lang) };
  metrics.forEach((m, i) => (v['m' + i] = m.key));
  return gql(q, v).then((d) => metrics.map((m, i) => ({ metric: m, points: d['m' + i].edges.map((e) => e.node) })));
}

// ---- Rendering ----

let more = null; // how to load the next page of the ranking shown

function renderList(list, chosen, st, w) {
  const ul = $('campaigns');
  ul.replaceChildren();
  if (!list.length) ul.append(el('li', { text: w.noCampaigns }));
  for (const c of list) {
    const cur = chosen && c.slug === chosen.slug;
    ul.append(
      el('li', { class: cur ? 'current' : null },
        el('a', { href: link({ campaign: c.slug, scope: '', metric: '', date: '' }), 'data-nav': true, 'aria-current': cur ? 'true' : null },
          nameOf(c, st.lang)),
        ' ',
        el('span', { class: 'status status-' + c.status, text: w.status[c.status] || c.status }),
        el('br'),
        el('span', { class: 'small', text: `${c.legalRef} · ${w.period(fmtDate(c.startDate, st.lang), fmtDate(c.endDate, st.lang))}` })),
    );
  }
}

function renderFacts(c, st, w) {
  const dl = $('campaign-meta');
  dl.replaceChildren();
  const add = (k, v) => dl.append(el('div', null, el('dt', { text: k }), el('dd', { text: v })));
  add(w.legalRef, c.legalRef);
  add(w.periodLabel, w.period(fmtDate(c.startDate, st.lang), fmtDate(c.endDate, st.lang)));
  add(w.statusLabel, w.status[c.status] || c.status);
  add(w.scope, unitName(c.scope, st.lang));
  if (c.milestones && c.milestones.length) {
    // Each milestone opens its frozen ranking.
    const dd = el('dd', { id: 'milestone-links' });
    c.milestones.forEach((m, i) => dd.append(i ? ' · ' : '', el('a', {
      href: pageURL('milestone.html', { campaign: c.slug, date: m.date }, st.lang),
      title: labelOf(m, st.lang),
    }, fmtDate(m.date, st.lang))));
    dl.append(el('div', null, el('dt', { text: w.milestonesLabel }), dd));
  }
}

function renderCrumbs(c, unit, st) {
  const nav = $('crumbs');
  const chain = [...unit.ancestors, unit];
  const from = chain.findIndex((u) => u.code === c.scope.code);
  const ol = el('ol');
  chain.slice(Math.max(from, 0)).forEach((u, i, all) => {
    const last = i === all.length - 1;
    ol.append(el('li', null, last
      ? el('span', { 'aria-current': 'page', text: unitName(u, st.lang) })
      : el('a', { href: link({ scope: u.code === c.scope.code ? '' : u.code }), 'data-nav': true }, unitName(u, st.lang))));
  });
  nav.replaceChildren(ol);
  nav.hidden = chain.length - Math.max(from, 0) < 2;
}

function renderMetrics(series, bands, selected, st, w) {
  const ul = $('metrics');
  ul.replaceChildren();
  for (const { metric, points } of series) {
    const p = points[points.length - 1];
    const band = p && bandOf(bands, p.rate, p.band);
    const li = el('li', { class: metric.key === selected ? 'selected' : null },
      el('h4', { text: metricName(metric, st.lang) }));
    if (!p || p.figure == null) {
      li.append(el('p', { class: 'muted', text: w.noData }));
    } else {
      li.append(
        el('p', { class: 'big' }, el('strong', { text: p.figureText ?? fmtInt(p.figure, st.lang) }),
          p.quota != null ? ` / ${p.quotaText ?? fmtInt(p.quota, st.lang)}` : ''),
        bar(p.rate, band && band.key),
        el('p', null, p.rate != null ? w.reached(p.rateText ?? fmtRate(p.rate, st.lang, bands)) : w.noQuota, ' ', band ? bandBadge(band, st.lang) : ''),
        p.delta != null ? el('p', { class: 'small', text: w.dayDelta(fmtDelta(p.delta, st.lang)) }) : '',
        p.source === 'CARRIED' ? el('p', { class: 'small warn', text: w.stale(p.staleDays) }) : '',
      );
    }
    li.append(el('p', { class: 'small' }, metric.key === selected
      ? el('span', { class: 'muted', text: '✓ ' + w.rankBy })
      : el('a', { href: link({ metric: metric.key }), 'data-nav': true }, w.rankBy)));
    ul.append(li);
  }
}

function rankRows(rows, bands, st, w) {
  const byKey = new Map(bands.map((b) => [b.key, b]));
  return rows.map((r) => {
    const band = r.band ? byKey.get(r.band) || { key: r.band, labelVi: r.band, labelEn: r.band } : null;
    const fig = r.figureText ?? fmtInt(r.figure, st.lang);
    const quota = r.quotaText ?? fmtInt(r.quota, st.lang);
    const cov = w.coverage(r.coverage.late, r.coverage.missing);
    return el('tr', { class: r.atRisk ? 'risk' : null, 'data-unit': r.unit.code },
      el('td', { class: 'num' }, rankCell(r, w)),
      el('th', { scope: 'row' },
        el('a', { href: link({ scope: r.unit.code }), 'data-nav': true }, unitName(r.unit, st.lang)),
        ' ', el('a', { class: 'small details', href: pageURL('unit.html', { campaign: st.campaign, unit: r.unit.code, metric: st.metric, date: st.date }, st.lang) }, w.details),
        cov ? el('span', { class: 'small block', text: cov }) : '',
        r.source === 'CARRIED' ? el('span', { class: 'small block warn', text: w.stale(r.staleDays) }) : ''),
      el('td', { class: 'num' }, fig, el('span', { class: 'q-inline small block', text: '/ ' + quota })),
      el('td', { class: 'num col-quota', text: quota }),
      el('td', { class: 'col-rate' }, el('span', { class: 'rate', text: r.rateText ?? fmtRate(r.rate, st.lang, bands) }), bar(r.rate, band && band.key)),
      el('td', null, bandBadge(band, st.lang), riskMark(r, w)),
    );
  });
}

/** How many units of the ranking are in each band, named in text. */
function renderBandCounts(counts, level, st, w) {
  const p = $('bands');
  p.replaceChildren(el('span', { class: 'small muted', text: w.bandCounts(w.levels[level]) + ': ' }));
  counts.filter((b) => b.band || b.count).forEach((b, i) => {
    if (i) p.append(' · ');
    p.append(b.band ? bandBadge(b.band, st.lang) : el('span', { class: 'band', text: w.noRate }), ' ', el('strong', { text: fmtInt(b.count, st.lang) }));
  });
}

const Q_SERIES = `query Series($c: String!, $u: String!, $m: String!, $from: Date, $to: Date, $after: String, $lang: Lang) {
  progress(campaign: $c, unitCode: $u, metric: $m, from: $from, to: $to, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { date figure quota rate pace7d projectedCompletion outcome figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang) } } } }`;

/** The scope's cumulative series against the quota, projected at its 7-day pace, with the milestones. */
async function renderChart(c, unit, metric, day, st, w, current) {
  const points = await cached(`chart:${c.slug}:${unit.code}:${metric.key}:${day}:${st.lang}`, async () => {
    const out = [];
    let after = null;
    for (;;) {
      const p = (await gql(Q_SERIES, { c: c.slug, u: unit.code, m: metric.key, from: c.startDate, to: day, after, lang: apiLang(st.lang) })).progress;
      out.push(...p.edges.map((e) => e.node));
      if (!p.pageInfo.hasNextPage) return out;
      after = p.pageInfo.endCursor;
    }
  });
  if (!current()) return;
  const cur = points[points.length - 1];
  $('h-chart').textContent = w.chartOf(metricName(metric, st.lang), unitName(unit, st.lang));
  const { drawSeries, projectAtPace, summary } = await import('./chart.js');
  if (!current()) return;
  $('chart-summary').textContent = summary(points, cur, c, st.lang);
  if (!points.length) return;
  await drawSeries($('chart'), {
    series: { dates: points.map((p) => p.date), figures: points.map((p) => p.figure), quotas: points.map((p) => p.quota) },
    projection: cur ? projectAtPace(cur.date, cur.figure, cur.pace7d, cur.quota, c.endDate) : null,
    milestones: c.milestones,
    labels: w.chartLabels, lang: st.lang, title: $('h-chart').textContent,
  });
}

function renderRanking(c, unit, level, metric, rank, bands, st, w) {
  const wrap = $('ranking-wrap');
  const none = $('no-ranking');
  more = null;
  $('more').hidden = true;
  if (!rank) {
    $('h-ranking').hidden = true;
    wrap.hidden = true;
    none.hidden = false;
    none.textContent = w.noRanking;
    $('rows').replaceChildren();
    return;
  }
  none.hidden = true;
  wrap.hidden = false;
  const h = $('h-ranking');
  h.hidden = false;
  h.textContent = w.rankingOf(w.levels[level], metricName(metric, st.lang).toLowerCase(), fmtDate(rank.date, st.lang));
  $('ranking-caption').textContent = w.caption(fmtInt(rank.totalCount, st.lang));
  renderBandCounts(rank.bandCounts, level, st, w);
  $('rows').replaceChildren(...rankRows(rank.edges.map((e) => e.node), bands, st, w));
  const mark = () => markCorrections($('rows'), { campaign: c.slug, metric: metric.key, date: rank.date, scope: unit.code, lang: st.lang });
  mark();
  more = moreRows(rank.pageInfo, (after) => fetchRanking(c.slug, metric.key, rank.date, unit.code, level, after, st.lang), (next) => {
    $('rows').append(...rankRows(next.edges.map((e) => e.node), bands, st, w));
    mark();
  }, w);
}

function renderControls(c, metrics, metric, day, st) {
  const sel = $('metric');
  sel.replaceChildren(...metrics.map((m) => el('option', { value: m.key, selected: m.key === metric.key }, metricName(m, st.lang))));
  const d = $('date');
  d.min = c.startDate;
  d.max = c.endDate < today() ? c.endDate : today();
  d.value = day;
  const latest = $('latest');
  latest.href = link({ date: '' });
  latest.dataset.nav = '';
  latest.hidden = !st.date;
}

// The campaign's latest published bulletin: its lead and links.
function renderBulletin(c, node, st, w) {
  $('bulletin').hidden = !node;
  if (!node) return;
  // Relative paths that the server and the static copy (publish --out) both answer.
  const en = st.lang === 'en' ? 'index.en.html' : '';
  const slug = encodeURIComponent(c.slug);
  $('h-bulletin').textContent = w.bulletinOf(fmtDate(node.date, st.lang));
  $('bulletin-lead').textContent = node.lead;
  $('bulletin-link').href = `bulletins/${slug}/${node.date}/${en}`;
  $('bulletin-archive').href = `bulletins/${slug}/${en}`;
  $('bulletin-feed').href = `feeds/${slug}.atom`;
}

function render(focusId) {
  const st = readState();
  const w = applyWords(st, 'home');
  return rendering(w, async (current) => {
    const list = await campaignList(Q_CAMPAIGNS);
    if (!current()) return;
    let c = list.find((x) => x.slug === st.campaign);
    if (!c && st.campaign) {
      c = await cached('c:' + st.campaign, () => gql(Q_CAMPAIGN, { slug: st.campaign }).then((d) => d.campaign));
      if (!current()) return;
    }
    if (!c && st.campaign) {
      renderList(list, null, st, w);
      $('campaign').hidden = true;
      throw new ApiError(w.notFound(st.campaign), 'NOT_FOUND');
    }
    if (!c) c = list.find((x) => x.status === 'ACTIVE') || list[0];
    renderList(list, c, st, w);
    if (!c) {
      $('campaign').hidden = true;
      return;
    }
    document.title = `${nameOf(c, st.lang)} — Tiến Độ`;

    const now = today();
    const asOf = clamp(now, c.startDate, c.endDate);
    const unitCode = st.scope || c.scope.code;
    const d = await cached(`d:${c.slug}:${unitCode}:${asOf}`, () => gql(Q_DETAIL, { slug: c.slug, unit: unitCode, asOf }));
    if (!current()) return;
    if (!d.campaign) throw new ApiError(w.notFound(c.slug), 'NOT_FOUND');
    const unit = d.unit;
    if (!unit) throw new ApiError(w.unknownUnit(unitCode), 'NOT_FOUND');
    if (unit.code !== c.scope.code && !unit.ancestors.some((a) => a.code === c.scope.code)) throw new ApiError(w.outOfScope, 'NOT_FOUND');
    const { metrics, bands } = d.campaign;
    const metric = metrics.find((m) => m.key === st.metric) || metrics[0];
    const level = LEVELS.find((k) => unit[k[0].toLowerCase()].totalCount > 0);

    let day = st.date ? clamp(st.date, c.startDate, c.endDate) : '';
    let rank = null;
    if (level && metric) {
      rank = await cached(`r:${c.slug}:${metric.key}:${day}:${unit.code}:${level}:${st.lang}`,
        () => fetchRanking(c.slug, metric.key, day, unit.code, level, null, st.lang));
      if (!current()) return;
      day = rank.date;
    }
    if (!day) day = now < c.startDate ? c.startDate : asOf;
    const from = addDays(day, -6) < c.startDate ? c.startDate : addDays(day, -6);
    const series = await cached(`p:${c.slug}:${unit.code}:${from}:${day}:${st.lang}`,
      () => fetchProgress(c.slug, unit.code, metrics, from, day, st.lang));
    if (!current()) return;

    $('campaign').hidden = false;
    $('h-campaign').textContent = nameOf(c, st.lang);
    renderFacts(c, st, w);
    renderCrumbs(c, unit, st);
    $('h-progress').textContent = w.progressOf(unitName(unit, st.lang), fmtDate(day, st.lang));
    renderMetrics(series, bands, metric && metric.key, st, w);
    if (metric) renderControls(c, metrics, metric, day, st);
    $('controls').hidden = !metric;
    renderRanking(c, unit, level, metric, rank, bands, st, w);
    renderChart(c, unit, metric || metrics[0], day, st, w, current).catch((e) => showError(e, w));
    // The bulletin of the day shown, else the latest one.
    const b = await cached(`b:${c.slug}:${day}:${st.lang}`, () => gql(Q_BULLETIN, { c: c.slug, d: day, lang: apiLang(st.lang) }).catch(() => null));
    if (!current()) return;
    renderBulletin(c, b && (b.day || (b.latest.edges[0] && b.latest.edges[0].node)), st, w);
    setStatus('');
    if (focusId) $(focusId)?.focus();
  }, () => { $('campaign').hidden = true; });
}

// ---- Events ----

const go = followLinks(render, (a) => (a.closest('#campaigns') ? 'h-campaign' : a.closest('#rows, #crumbs') ? 'h-progress' : null));
metricDayControls(go, link, 'h-ranking', () => more);

render(null);
