// A milestone's ranking (mốc): the official ranking frozen once the
// milestone's day had passed its report deadline, served from its record
// (with its SHA-256 and the rules version it was computed with), and beside
// it what the current figures give for the same day, the differences marked
// and linked to the corrections that caused them.
// ?campaign=slug&date=YYYY-MM-DD&metric=key&level=DISTRICT&scope=code&lang=en
import { gql, ApiError, apiLang, cached } from './api.js';
import { fmtInt, fmtDate, words as allWords } from './i18n.js';
import {
  $, el, LEVELS, readParams, urlWith, pageURL, nameOf, unitName, metricName, labelOf, applyWords, showError,
  setStatus, bandBadge,
} from './common.js';

const KEYS = ['campaign', 'date', 'metric', 'level', 'scope'];

const W = {
  vi: {
    title: 'Xếp hạng tại mốc', titleOf: (d) => `Xếp hạng tại mốc ${d}`,
    lede: 'Bảng xếp hạng chính thức của một mốc được chốt một lần, khi đã qua hạn báo cáo của ngày mốc, và không bao giờ thay đổi. Bên cạnh là kết quả theo số liệu hiện nay (sau các đính chính), phần khác biệt được đánh dấu.',
    choose: 'Chọn một mốc:', noMilestones: 'Chiến dịch này không có mốc.', pickCampaign: 'Chọn một chiến dịch ở trang Chiến dịch.',
    frozen: (t) => `Đã chốt lúc ${t}.`, notFrozen: (t) => `Chưa chốt: bảng xếp hạng sẽ được chốt lúc ${t} (hạn báo cáo của ngày mốc cộng thời gian chờ).`,
    hash: 'Mã SHA-256 của bản ghi', rules: (v, d) => `Quy tắc xếp loại phiên bản ${v} (áp dụng từ ${d})`,
    rulesNow: (v, d) => `Số liệu hiện nay xếp loại theo phiên bản ${v} (áp dụng từ ${d}).`,
    downloads: 'Tải bản ghi:', csv: 'CSV', json: 'JSON (đúng từng byte, kiểm tra được bằng mã SHA-256)',
    level: 'Cấp', levels: { PROVINCE: 'Tỉnh, thành phố', DISTRICT: 'Quận, huyện', COMMUNE: 'Xã, phường, thị trấn' },
    caption: (n, lv, m, s) => `${n} đơn vị (${lv.toLowerCase()}) thuộc ${s}, xếp theo tỷ lệ ${m.toLowerCase()} tại ngày mốc.`,
    changed: (n) => n ? `${n} đơn vị có kết quả khác so với số liệu hiện nay (đánh dấu ≠).` : 'Số liệu hiện nay cho kết quả giống hệt bảng đã chốt.',
    frozenCols: 'Bảng đã chốt', currentCols: 'Theo số liệu hiện nay', diffCol: 'Khác biệt',
    th: { rank: 'Hạng', unit: 'Đơn vị', figure: 'Số liệu', rate: 'Tỷ lệ đạt', band: 'Xếp loại' },
    change: { RANK: 'hạng', FIGURE: 'số liệu', RATE: 'tỷ lệ', BAND: 'xếp loại' },
    corrections: 'Xem đính chính', notInCurrent: 'không còn trong bảng hiện nay', none: '—', back: 'Các mốc của chiến dịch',
  },
  en: {
    title: 'Milestone ranking', titleOf: (d) => `Ranking at the ${d} milestone`,
    lede: 'A milestone’s official ranking is frozen once, when the milestone day’s report deadline has passed, and never changes. Beside it is what the current figures give (after any corrections), with the differences marked.',
    choose: 'Choose a milestone:', noMilestones: 'This campaign has no milestones.', pickCampaign: 'Choose a campaign on the Campaigns page.',
    frozen: (t) => `Frozen at ${t}.`, notFrozen: (t) => `Not frozen yet: the ranking is frozen at ${t} (the milestone day’s report deadline plus the grace period).`,
    hash: 'SHA-256 of the record', rules: (v, d) => `Banding rules version ${v} (in force from ${d})`,
    rulesNow: (v, d) => `The current figures are banded by version ${v} (in force from ${d}).`,
    downloads: 'Download the record:', csv: 'CSV', json: 'JSON (byte for byte, checkable against the SHA-256)',
    level: 'Level', levels: { PROVINCE: 'Provinces', DISTRICT: 'Districts', COMMUNE: 'Communes' },
    caption: (n, lv, m, s) => `${n} units (${lv.toLowerCase()}) of ${s}, ranked by ${m.toLowerCase()} rate on the milestone day.`,
    changed: (n) => n ? `${n} units differ from what the current figures give (marked ≠).` : 'The current figures give exactly the frozen ranking.',
    frozenCols: 'Frozen ranking', currentCols: 'By the current figures', diffCol: 'Differences',
    th: { rank: 'Rank', unit: 'Unit', figure: 'Figure', rate: 'Rate', band: 'Band' },
    change: { RANK: 'rank', FIGURE: 'figure', RATE: 'rate', BAND: 'band' },
    corrections: 'See the corrections', notInCurrent: 'not in the current ranking', none: '—', back: 'The campaign’s milestones',
  },
};

const Q_CAMPAIGN = `query C($c: String!) { campaign(slug: $c) { slug name nameEn scope { code kind fullName nameEn }
  metrics { key nameVi nameEn } milestones { date labelVi labelEn } } }`;
const RULES = 'version effectiveFrom bands { key min labelVi labelEn }';
const Q_RANKING = `query M($c: String!, $d: Date!, $m: String!, $l: UnitKind!, $s: String, $after: String, $lang: Lang) {
  milestoneRanking(campaign: $c, date: $d, metric: $m, level: $l, scopeCode: $s, first: 100, after: $after) {
    frozen freezesAt frozenAt sha256 changedCount totalCount csvUrl jsonUrl
    milestone { date labelVi labelEn } scope { code fullName nameEn kind }
    rulesVersion { ${RULES} } currentRulesVersion { ${RULES} }
    pageInfo { hasNextPage endCursor }
    edges { node { rank unit { code fullName nameEn } figure rate band figureText(lang: $lang) rateText(lang: $lang)
      changes correctionsUrl current { rank figure rate band rulesVersion figureText(lang: $lang) rateText(lang: $lang) } } }
  } }`;

/** Every page of a milestone ranking (a level has at most a few thousand units). */
async function fetchAll(v) {
  const first = (await gql(Q_RANKING, v)).milestoneRanking;
  const edges = [...first.edges];
  let page = first.pageInfo;
  for (let i = 0; page.hasNextPage && i < 50; i++) {
    const next = (await gql(Q_RANKING, { ...v, after: page.endCursor })).milestoneRanking;
    edges.push(...next.edges);
    page = next.pageInfo;
  }
  return { ...first, edges };
}

/** An instant in Vietnam's time: 08:00 ngày 21/06/2023, or Jun 21, 2023 08:00 (UTC+7). */
function stamp(t, lang) {
  const p = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(t))) p[type] = value;
  const day = `${p.year}-${p.month}-${p.day}`;
  return lang === 'en' ? `${fmtDate(day, 'en')} ${p.hour}:${p.minute} (UTC+7)` : `${p.hour}:${p.minute} ngày ${fmtDate(day, 'vi')}`;
}

/** A link to the API's path on this portal (relative, so the static copy works under any path). */
const local = (path, lang) => {
  const u = path.replace(/^\//, '');
  if (lang !== 'en' || !/\.html(\?|$)/.test(u)) return u;
  return u + (u.includes('?') ? '&' : '?') + 'lang=en';
};

function milestoneList(c, st, w) {
  if (!c.milestones.length) return [el('p', { text: w.noMilestones })];
  return [el('p', { text: w.choose }), el('ul', { id: 'milestone-list' }, ...c.milestones.map((m) => el('li', null,
    el('a', { href: pageURL('milestone.html', { campaign: c.slug, date: m.date }, st.lang) }, fmtDate(m.date, st.lang)),
    ' — ', labelOf(m, st.lang))))];
}

function recordBox(r, c, st, w) {
  const box = el('div', { class: 'notice', id: 'record-box' });
  if (!r.frozen) {
    box.append(el('p', { id: 'freeze-state', text: w.notFrozen(stamp(r.freezesAt, st.lang)) }));
    return box;
  }
  box.append(el('p', { id: 'freeze-state', text: w.frozen(stamp(r.frozenAt, st.lang)) }));
  box.append(el('p', null, w.hash + ': ', el('code', { id: 'sha256', class: 'hash', text: r.sha256 })));
  box.append(el('p', { id: 'rules', text: w.rules(r.rulesVersion.version, fmtDate(r.rulesVersion.effectiveFrom, st.lang)) + '.' }));
  if (r.currentRulesVersion.version !== r.rulesVersion.version) {
    box.append(el('p', { text: w.rulesNow(r.currentRulesVersion.version, fmtDate(r.currentRulesVersion.effectiveFrom, st.lang)) }));
  }
  box.append(el('p', null, w.downloads + ' ', el('a', { id: 'csv', href: local(r.csvUrl), download: '' }, w.csv), ' · ',
    el('a', { id: 'json', href: local(r.jsonUrl), download: '' }, w.json)));
  return box;
}

function table(r, metric, level, st, w) {
  const bandIn = (rules, key) => (key ? rules.bands.find((b) => b.key === key) || { key, labelVi: key, labelEn: key } : null);
  const mark = (changed, text) => (changed ? el('mark', { title: '≠' }, '≠ ', text) : text);
  const th = (text, attrs) => el('th', { scope: 'col', ...attrs, text });
  const rows = r.edges.map(({ node: n }) => {
    const cur = n.current;
    const ch = new Set(n.changes);
    const diff = n.changes.length
      ? el('td', null, n.changes.map((k) => w.change[k]).join(', '), ' · ',
        el('a', { class: 'correction-link', href: local(n.correctionsUrl, st.lang) }, w.corrections))
      : el('td', { text: cur ? w.none : w.notInCurrent });
    return el('tr', { class: n.changes.length ? 'changed' : null, 'data-unit': n.unit.code },
      el('td', { class: 'num', text: n.rank ?? '—' }),
      el('th', { scope: 'row', text: unitName(n.unit, st.lang) }),
      el('td', { class: 'num', text: n.figureText ?? '—' }),
      el('td', { class: 'num', text: n.rateText ?? '—' }),
      el('td', null, bandBadge(bandIn(r.rulesVersion, n.band), st.lang)),
      el('td', { class: 'num cur-rank' }, mark(ch.has('RANK'), String(cur?.rank ?? '—'))),
      el('td', { class: 'num cur-figure' }, mark(ch.has('FIGURE'), cur?.figureText ?? '—')),
      el('td', { class: 'num cur-rate' }, mark(ch.has('RATE'), cur?.rateText ?? '—')),
      el('td', { class: 'cur-band' }, mark(ch.has('BAND'), bandBadge(cur && bandIn(r.currentRulesVersion, cur.band), st.lang))),
      diff);
  });
  return [
    el('p', { id: 'changed-count', text: w.changed(r.changedCount && fmtInt(r.changedCount, st.lang)) }),
    el('div', { class: 'table-wrap' }, el('table', { id: 'milestone-table' },
      el('caption', { text: w.caption(fmtInt(r.totalCount, st.lang), w.levels[level] || level, metricName(metric, st.lang), unitName(r.scope, st.lang)) }),
      el('thead', null,
        el('tr', null, el('th', { scope: 'colgroup', colspan: '5', text: w.frozenCols }), el('th', { scope: 'colgroup', colspan: '4', text: w.currentCols }), el('td')),
        el('tr', null, th(w.th.rank, { class: 'num' }), th(w.th.unit), th(w.th.figure, { class: 'num' }), th(w.th.rate, { class: 'num' }), th(w.th.band),
          th(w.th.rank, { class: 'num' }), th(w.th.figure, { class: 'num' }), th(w.th.rate, { class: 'num' }), th(w.th.band), th(w.diffCol))),
      el('tbody', { id: 'rows' }, ...rows))),
  ];
}

function controls(c, levels, st, w, metric, level) {
  $('controls').hidden = false;
  $('level-label').textContent = w.level;
  $('metric').replaceChildren(...c.metrics.map((m) => el('option', { value: m.key, selected: m.key === metric.key }, metricName(m, st.lang))));
  $('level').replaceChildren(...levels.map((l) => el('option', { value: l, selected: l === level }, w.levels[l])));
}

let seq = 0;

async function render() {
  const my = ++seq;
  const st = readParams(KEYS);
  const w = W[st.lang];
  const words = allWords(st.lang);
  applyWords(st, 'milestone');
  $('lede').textContent = w.lede;
  $('error').hidden = true;
  $('controls').hidden = true;
  const main = $('main');
  main.setAttribute('aria-busy', 'true');
  setStatus(words.loading);
  try {
    if (!st.campaign) {
      $('record').replaceChildren();
      $('content').replaceChildren(el('p', null, el('a', { href: pageURL('campaigns.html', {}, st.lang) }, w.pickCampaign)));
      return;
    }
    const c = (await cached(`c:${st.campaign}`, () => gql(Q_CAMPAIGN, { c: st.campaign }))).campaign;
    if (!c) throw new ApiError(words.notFound(st.campaign), 'NOT_FOUND');
    if (my !== seq) return;
    const back = el('p', null, el('a', { href: pageURL('campaigns.html', { campaign: c.slug }, st.lang) }, nameOf(c, st.lang)));
    if (!st.date) {
      document.title = `${w.title} — ${nameOf(c, st.lang)} — Tiến Độ`;
      $('h1').textContent = w.title;
      $('record').replaceChildren(back);
      $('content').replaceChildren(...milestoneList(c, st, w));
      return;
    }
    const below = LEVELS.slice(LEVELS.indexOf(c.scope.kind) + 1);
    const levels = below.length ? below : LEVELS;
    const level = levels.includes(st.level) ? st.level : levels[0];
    const metric = c.metrics.find((m) => m.key === st.metric) || c.metrics[0];
    const r = await cached(`m:${c.slug}:${st.date}:${metric.key}:${level}:${st.scope}:${st.lang}`, () => fetchAll({
      c: c.slug, d: st.date, m: metric.key, l: level, s: st.scope || null, lang: apiLang(st.lang),
    }));
    if (my !== seq) return;
    const label = labelOf(r.milestone, st.lang);
    document.title = `${w.titleOf(fmtDate(st.date, st.lang))} — ${nameOf(c, st.lang)} — Tiến Độ`;
    $('h1').textContent = w.titleOf(fmtDate(st.date, st.lang));
    $('record').replaceChildren(back, label ? el('p', { class: 'lead', text: label }) : '', recordBox(r, c, st, w),
      el('p', null, el('a', { href: pageURL('milestone.html', { campaign: c.slug }, st.lang) }, w.back)));
    controls(c, levels, st, w, metric, level);
    $('content').replaceChildren(...(r.frozen ? table(r, metric, level, st, w) : []));
  } catch (e) {
    showError(e, words);
    $('content').replaceChildren();
  } finally {
    setStatus('');
    main.removeAttribute('aria-busy');
  }
}

$('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  const url = urlWith(KEYS, { metric: $('metric').value, level: $('level').value });
  if (url !== location.pathname + location.search) history.pushState(null, '', url);
  render();
});
window.addEventListener('popstate', render);
render();
