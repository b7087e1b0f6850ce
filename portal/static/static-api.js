// The static copy's answers: when no API is configured or reachable, the
// pages' GraphQL queries are answered from the files `publish --out` wrote
// under data/ (their layout: publish/static_data.go), the figures of each
// published day as the API served them. Each root field of a query is
// answered whole (every field a page reads), whatever its selection; the
// fields a static copy cannot answer (corrections, milestone rankings,
// search) throw an ApiError with code STATIC. Arguments of nested fields
// are not read, but for quotaHistory(unitCode:) and the query's $lang.
import { fmtInt, fmtRate, fmtDate } from './i18n.js';

const DATA = new URL('data/', import.meta.url);
const files = new Map();

/** A file of data/, parsed, fetched once. */
function load(path) {
  if (!files.has(path)) {
    files.set(path, fetch(new URL(path, DATA)).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status} ${path}`);
      return r.json();
    }));
  }
  return files.get(path);
}

/** The copy's index (when data/index.json is there), else null. */
export const staticIndex = () => load('index.json').catch(() => null);

// ---- A small reader of the root fields of a GraphQL query ----

function tokens(src) {
  const re = /\s+|,|#[^\n]*|"(?:[^"\\]|\\.)*"|\.\.\.|[$A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}():!=@[\]]/gy;
  const out = [];
  let m;
  while (re.lastIndex < src.length && (m = re.exec(src))) {
    const t = m[0];
    if (!/^(\s+|,|#.*)$/.test(t)) out.push(t);
  }
  return out;
}

/** The root fields of the query's operation: [{key, name, args}], with the variables' values in args. */
export function rootFields(query, variables = {}) {
  const t = tokens(query);
  let i = 0;
  // Skip "query Name(...)" up to the operation's selection set.
  while (i < t.length && t[i] !== '{') {
    if (t[i] === '(') while (t[i] !== ')') i++;
    i++;
  }
  i++;
  const value = () => {
    const v = t[i++];
    if (v.startsWith('$')) return variables[v.slice(1)] ?? null;
    if (v.startsWith('"')) return JSON.parse(v);
    if (v === 'null') return null;
    if (v === 'true' || v === 'false') return v === 'true';
    if (/^-?\d/.test(v)) return Number(v);
    return v; // an enum value
  };
  const fields = [];
  while (i < t.length && t[i] !== '}') {
    let name = t[i++];
    let key = name;
    if (t[i] === ':') {
      name = t[i + 1];
      i += 2;
    }
    const args = {};
    if (t[i] === '(') {
      i++;
      while (t[i] !== ')') {
        const arg = t[i];
        i += 2;
        args[arg] = value();
      }
      i++;
    }
    if (t[i] === '{') {
      for (let depth = 0; ; i++) {
        if (t[i] === '{') depth++;
        if (t[i] === '}' && --depth === 0) break;
      }
      i++;
    }
    fields.push({ key, name, args });
  }
  return fields;
}

// ---- Answers ----

let current = null; // the campaign of the last query that named one (unit() does not)

async function campaignOf(slug) {
  const index = await load('index.json');
  const c = index.campaigns.find((x) => x.slug === (slug || current));
  if (c) current = c.slug;
  return c || null;
}

/** The published day a query for date reads: the last one on or before it, else the first. */
function dayFor(c, date) {
  const days = c.days || [];
  if (!date) return days[days.length - 1];
  let pick = days[0];
  for (const d of days) if (d <= date) pick = d;
  return pick;
}

async function units(c) {
  const u = await load(`${encodeURIComponent(c.slug)}/units.json`);
  if (!u.byCode) {
    u.byCode = new Map(u.units.map(([code, fullName, nameEn, kind, parent]) => [code, { code, fullName, nameEn, kind, parent }]));
    u.children = new Map();
    for (const x of u.byCode.values()) {
      if (!u.children.has(x.parent)) u.children.set(x.parent, []);
      u.children.get(x.parent).push(x);
    }
  }
  return u.byCode;
}

/** The units right below code, as the API's children connections (p, d, c by kind; all). */
async function children(c, code) {
  await units(c);
  const below = (await load(`${encodeURIComponent(c.slug)}/units.json`)).children.get(code) || [];
  const of = (kind) => {
    const list = below.filter((u) => !kind || u.kind === kind);
    return { totalCount: list.length, edges: list.map((node) => ({ node })) };
  };
  return { p: of('PROVINCE'), d: of('DISTRICT'), c: of('COMMUNE'), all: of(null) };
}

function ancestors(byCode, code) {
  const out = [];
  for (let u = byCode.get(byCode.get(code)?.parent); u; u = byCode.get(u.parent)) out.unshift(u);
  return out;
}

const lang = (args) => (String(args.lang || '').toUpperCase() === 'EN' ? 'en' : 'vi');

/** The figure fields the API derives: texts in the language asked, and the outcome once the campaign has ended. */
function figure(c, date, f, l) {
  const ended = date >= c.endDate && c.status === 'ENDED';
  const outcome = ended && f.quota > 0 ? (f.figure != null && f.figure >= f.quota ? 'COMPLETED' : 'NOT_COMPLETED') : null;
  return {
    ...f, date, outcome, atRisk: f.atRisk && !ended,
    figureText: f.figure == null ? null : fmtInt(f.figure, l),
    quotaText: f.quota == null ? null : fmtInt(f.quota, l),
    rateText: f.rate == null ? null : fmtRate(f.rate, l, c.bands),
    targetText: null, revisionCount: 0, corrected: false, comparable: true, partialText: null,
  };
}

/** The fields of a day row (data/{campaign}/{date}/{LEVEL}.json) after its code, rank and rank change. */
function common(r) {
  const [atRisk, source, staleDays, delta, onTime, late, missing, pace7d, requiredPace, projectedCompletion] = r;
  return { atRisk, source, staleDays, delta, pace7d, requiredPace, projectedCompletion, coverage: { onTime, late, missing, total: onTime + late + missing } };
}

// Cursors as the API writes them (graph/paging.go): base64url of "o:" and the row's offset.
const cursor = (n) => btoa('o:' + n).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const offset = (c) => Number(atob(c.replace(/-/g, '+').replace(/_/g, '/')).slice(2));

/** A page of list: first rows after the cursor after. */
function page(list, first, after) {
  const from = after ? offset(after) + 1 : 0;
  const to = Math.min(list.length, from + (first || 100));
  return { totalCount: list.length, pageInfo: { hasNextPage: to < list.length, endCursor: to > from ? cursor(to - 1) : null }, edges: list.slice(from, to).map((node) => ({ node })) };
}

async function ranking(a) {
  const c = await campaignOf(a.campaign);
  if (!c) return null;
  const date = dayFor(c, a.date);
  const byCode = await units(c);
  const l = lang(a);
  const scope = a.scopeCode || c.scope.code;
  const sub = scope !== c.scope.code;
  const inScope = (code) => !sub || ancestors(byCode, code).some((u) => u.code === scope);
  // A day's rows in the scope, with their ranks: inside a smaller scope, the
  // stored order renumbered among its units (ties kept), as the API does.
  const ranked = async (day) => {
    const file = await load(`${encodeURIComponent(c.slug)}/${day}/${a.level}.json`).catch(() => ({ metrics: {} }));
    const rows = (file.metrics[a.metric] || []).filter((r) => inScope(r[0]));
    let seen = 0;
    let last = null;
    return rows.map((r, i) => {
      if (r[5] != null && r[5] !== last) [seen, last] = [i, r[5]];
      return { r, rank: r[5] == null ? null : sub ? seen + 1 : r[5] };
    });
  };
  const rows = await ranked(date);
  // The change since the day before, counted in the same scope.
  const yesterday = c.days[c.days.indexOf(date) - 1];
  const before = sub ? new Map(yesterday ? (await ranked(yesterday)).map((x) => [x.r[0], x.rank]) : []) : null;
  const nodes = rows.map(({ r, rank }) => {
    const [code, fig, quota, rate, band, , stored, ...rest] = r;
    const u = byCode.get(code) || { code, fullName: code, nameEn: code };
    const prev = before && before.get(code);
    const rankChange = !sub ? stored : rank == null || prev == null ? null : prev - rank;
    return figure(c, date, { rank, rankChange, unit: u, figure: fig, quota, rate, band, ...common(rest) }, l);
  });
  const counts = c.bands.map((band) => ({ band, count: nodes.filter((n) => n.band === band.key).length }));
  counts.push({ band: null, count: nodes.filter((n) => !n.band).length });
  const s = byCode.get(scope) || c.scope;
  const scopeName = l === 'en' ? s.nameEn || s.fullName : s.fullName;
  return { date, scope: s, scopeName, bandCounts: counts, ...page(nodes, a.first, a.after) };
}

async function progress(a) {
  const c = await campaignOf(a.campaign);
  if (!c) return null;
  const byCode = await units(c);
  const u = byCode.get(a.unitCode);
  if (!u) return page([], 1, null);
  const bundle = await load(`${encodeURIComponent(c.slug)}/series/${encodeURIComponent(u.parent || '_')}.json`);
  const l = lang(a);
  const from = a.from || c.startDate;
  const to = a.to || c.days[c.days.length - 1];
  const rows = ((bundle[u.code] || {})[a.metric] || []).filter((r) => r[0] >= from && r[0] <= to);
  const nodes = rows.map(([date, fig, quota, rate, band, ...rest]) => figure(c, date, { figure: fig, quota, rate, band, ...common(rest) }, l));
  return page(nodes, a.first, a.after);
}

async function unit(a) {
  const c = await campaignOf(null);
  if (!c) return null;
  const byCode = await units(c);
  const u = byCode.get(a.code);
  return u ? { ...u, ...(await children(c, u.code)), ancestors: ancestors(byCode, u.code), successors: [], predecessors: [] } : null;
}

async function bulletins(a, one) {
  const c = await campaignOf(a.campaign);
  if (!c) return null;
  const b = await load(`${encodeURIComponent(c.slug)}/bulletins.json`).catch(() => ({ vi: [], en: [] }));
  const list = b[lang(a)].map((x) => ({ ...x, url: `bulletins/${encodeURIComponent(c.slug)}/${x.date}/` })).reverse();
  if (one) return list.find((x) => x.date === a.date) || null;
  return page(list, a.first, a.after);
}

const ROOT = {
  dataset: async () => (await load('index.json')).dataset,
  campaigns: async () => ({ edges: (await load('index.json')).campaigns.map((node) => ({ node })) }),
  campaign: async (a, query, vars) => {
    const c = await campaignOf(a.slug);
    if (!c) return null;
    // quotaHistory(unitCode: …): the unit its argument names; quotas: how many are in force (unit × metric).
    const all = await load(`${encodeURIComponent(c.slug)}/quotas.json`).catch(() => ({}));
    const m = /quotaHistory\(\s*unitCode:\s*(?:\$(\w+)|"([^"]*)")/.exec(query);
    const code = m ? (m[1] ? vars[m[1]] : m[2]) : null;
    const metrics = new Map(c.metrics.map((x) => [x.key, x]));
    const l = lang(a);
    const history = (all[code] || []).map(([key, target, effectiveFrom, reason, reference]) => ({
      metric: metrics.get(key) || { key, nameVi: key, nameEn: key }, target, targetText: fmtInt(target, l), effectiveFrom, reason, reference,
    }));
    const inForce = Object.values(all).reduce((n, rows) => n + new Set(rows.map((r) => r[0])).size, 0);
    return { ...c, quotaHistory: { totalCount: history.length, edges: history.map((node) => ({ node })) }, quotas: { totalCount: inForce } };
  },
  unit,
  ranking,
  progress,
  bulletin: (a) => bulletins(a, true),
  bulletins: (a) => bulletins(a, false),
};

const WORDS = {
  vi: {
    copy: (d) => `Bản sao tĩnh: số liệu công bố ngày ${d} (không kết nối API trực tuyến).`,
    none: 'Bản sao tĩnh này thiếu số liệu (data/index.json).',
    field: (f) => `Bản sao tĩnh này không có “${f}”: hãy mở cổng thông tin trên máy chủ.`,
  },
  en: {
    copy: (d) => `Static copy: the figures as published on ${d} (no connection to the live API).`,
    none: 'This static copy lacks its figures (data/index.json).',
    field: (f) => `This static copy cannot answer “${f}”: open the portal on its server.`,
  },
};

/** Says once, at the top of the page's main, that its figures are the copy's. */
function announce(index, w, l) {
  const main = document.querySelector('main');
  if (!main || document.getElementById('static-note')) return;
  const p = document.createElement('p');
  p.id = 'static-note';
  p.className = 'static-note';
  p.setAttribute('role', 'note');
  p.textContent = w.copy(fmtDate(String(index.published).slice(0, 10), l));
  main.prepend(p);
}

/**
 * Answers query from the static copy, as the API would (its data member),
 * saying so on the page; throws an ApiError for what the copy cannot answer.
 * @param {string} query
 * @param {object} [variables]
 * @param {new (msg: string, code: string) => Error} ApiError
 */
export async function staticAnswer(query, variables, ApiError) {
  const l = document.documentElement.lang === 'en' ? 'en' : 'vi';
  const index = await staticIndex();
  if (!index) throw new ApiError(WORDS[l].none, 'STATIC');
  announce(index, WORDS[l], l);
  const fields = rootFields(query, variables || {});
  const data = {};
  for (const f of fields) {
    const answer = ROOT[f.name];
    if (!answer) throw new ApiError(WORDS[l].field(f.name), 'STATIC');
    // Nested fields' lang (figureText(lang: $lang)) is the query's.
    data[f.key] = await answer({ lang: (variables || {}).lang, ...f.args }, query, variables || {});
  }
  return data;
}
