// Charts of a cumulative series against its quota, drawn with uPlot (vendored
// in vendor/uplot, loaded on first use so pages without a chart never fetch
// it). A chart is decoration for sighted readers: every page that draws one
// also says its numbers in text, and the chart itself carries a one-sentence
// summary for screen readers. Milestones are numbered on the chart and named
// in a list below it, so that their labels never overlap or get cut.
import { fmtInt, fmtRate, fmtDate, words } from './i18n.js';

let loading = null;

/** Loads uPlot's script and stylesheet once. */
export function loadUPlot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const here = new URL('.', import.meta.url);
      const css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = new URL('vendor/uplot/uPlot.min.css', here).href;
      document.head.append(css);
      const s = document.createElement('script');
      s.src = new URL('vendor/uplot/uPlot.iife.min.js', here).href;
      s.onload = () => resolve(window.uPlot);
      s.onerror = () => { loading = null; reject(new Error('uPlot did not load')); };
      document.head.append(s);
    });
  }
  return loading;
}

/** The lines' colours, widths and dashes: figure, quota, projection (the SVG download draws them too). */
export const STYLES = [
  { stroke: '#0b57a4', width: 2, spanGaps: false },
  { stroke: '#a4161a', width: 1.5 },
  { stroke: '#0b57a4', width: 1.5, dash: [6, 5] },
];

const DAY_S = 86400;
const toSec = (day) => Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / 1000;
const toDay = (sec) => new Date(sec * 1000).toISOString().slice(0, 10);

/**
 * Draws a series into el (emptied first) and returns the uPlot instance.
 *   series:     { dates: ['YYYY-MM-DD'…], figures: [n|null…], quotas: [n|null…] }
 *   projection: { dates, values } (optional) a dashed line ahead of the series
 *   milestones: [{ date, labelVi, labelEn }] (optional) vertical markers, labelled in lang
 *   labels:     { figure, quota, projection } the legend's words
 *   lang:       'vi' or 'en' for the axes' numbers and dates
 *   title:      the chart's title, for its downloads (PNG, SVG)
 * The y axis starts at zero.
 */
export async function drawSeries(el, { series, projection, milestones, labels, lang, height = 260, title = '' }) {
  const uPlot = await loadUPlot();
  // One x axis for the series and the projection, day by day.
  const days = [...series.dates];
  const proj = new Map();
  if (projection) {
    projection.dates.forEach((d, i) => {
      proj.set(d, projection.values[i]);
      if (d > days[days.length - 1]) days.push(d);
    });
  }
  const at = new Map(series.dates.map((d, i) => [d, i]));
  const xs = days.map(toSec);
  const figs = days.map((d) => (at.has(d) ? series.figures[at.get(d)] : null));
  const quotas = days.map((d) => (at.has(d) ? series.quotas[at.get(d)] : null));
  // The quota line runs on to the end at its last value.
  let lastQuota = null;
  for (let i = 0; i < quotas.length; i++) {
    if (quotas[i] != null) lastQuota = quotas[i];
    else if (!at.has(days[i])) quotas[i] = lastQuota;
  }
  const projs = days.map((d) => (proj.has(d) ? proj.get(d) : null));
  const locale = words(lang).locale;
  const num = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  const marks = (milestones || []).filter((m) => m.date >= days[0] && m.date <= days[days.length - 1]).sort((a, b) => (a.date < b.date ? -1 : 1))
    .map((m) => ({ date: m.date, label: (lang === 'en' && m.labelEn) || m.labelVi }));
  const cw = words(lang).chart;
  const w = Math.max(280, el.clientWidth || 600);
  el.replaceChildren();
  const opts = {
    width: w,
    height,
    scales: { x: { time: true }, y: { range: (u, lo, hi) => [0, hi > 0 ? hi * 1.08 : 1] } },
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: cw.date, value: (u, v) => (v == null ? '—' : fmtDate(toDay(v), lang)) },
      ...['figure', 'quota', 'projection'].map((k, i) => ({ label: labels[k], ...STYLES[i], value: (u, v) => fmtInt(v, lang) })),
    ],
    axes: [
      { values: (u, vals) => vals.map((v) => { const d = toDay(v); return lang === 'en' ? fmtDate(d, 'en').replace(/, \d{4}$/, '') : d.slice(8, 10) + '/' + d.slice(5, 7); }) },
      { size: 56, values: (u, vals) => vals.map((v) => num.format(v)) },
    ],
    plugins: [{
      hooks: {
        // Milestones: a dotted line and its number at the top, a row lower
        // when it would touch the number before.
        draw: [(u) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
          ctx.fillStyle = '#50575f';
          ctx.strokeStyle = '#7a4b00';
          ctx.setLineDash([2 * devicePixelRatio, 3 * devicePixelRatio]);
          const ends = [];
          marks.forEach((m, i) => {
            const x = Math.round(u.valToPos(toSec(m.date), 'x', true));
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            const text = String(i + 1);
            const tw = ctx.measureText(text).width;
            const left = Math.min(x + 3 * devicePixelRatio, u.bbox.left + u.bbox.width - tw);
            let row = 0;
            while (ends[row] != null && ends[row] > left - 3 * devicePixelRatio) row++;
            ends[row] = left + tw;
            ctx.fillText(text, left, u.bbox.top + (12 + 13 * row) * devicePixelRatio);
          });
          ctx.restore();
        }],
      },
    }],
  };
  const plot = new uPlot(opts, [xs, figs, quotas, projs], el);
  // The text alternative: what the chart shows, in a sentence.
  const last = figs.reduce((k, v, i) => (v == null ? k : i), -1);
  plot.root.setAttribute('role', 'img');
  plot.root.setAttribute('aria-label', last < 0 ? cw.empty : cw.alt(title, fmtInt(figs[last], lang), fmtDate(days[last], lang),
    quotas[last] == null ? '' : fmtInt(quotas[last], lang), fmtDate(days[0], lang)));
  if (marks.length) {
    const ol = Object.assign(document.createElement('ol'), { className: 'milestones' });
    ol.setAttribute('aria-label', cw.milestones);
    for (const m of marks) ol.append(Object.assign(document.createElement('li'), { textContent: `${fmtDate(m.date, lang)}: ${m.label}` }));
    el.append(ol);
  }
  // Downloads of the chart as drawn (PNG) and redrawn as vectors (SVG).
  const dl = Object.assign(document.createElement('p'), { className: 'chart-dl' });
  dl.append(cw.download + ' ');
  for (const kind of ['png', 'svg']) {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: kind.toUpperCase() });
    b.setAttribute('aria-label', `${cw.download} ${kind.toUpperCase()}`);
    b.addEventListener('click', async () => (await import('./chart-export.js')).save(plot, kind, { title, marks, lang, labels: cw }));
    dl.append(b, ' ');
  }
  el.append(dl);
  // Follow the container's width (phones turning, windows resizing).
  if ('ResizeObserver' in window) {
    const ro = new ResizeObserver(() => {
      const nw = Math.max(280, el.clientWidth);
      if (Math.abs(nw - plot.width) > 4) plot.setSize({ width: nw, height });
    });
    ro.observe(el);
  }
  return plot;
}

/**
 * The projection at a 7-day pace: from (day, figure), pace a day, until the
 * quota is reached or the campaign ends, whichever is first.
 */
export function projectAtPace(day, figure, pace, quota, end) {
  const dates = [day];
  const values = [figure];
  if (pace == null || pace <= 0 || figure == null) return { dates, values };
  let v = figure;
  let d = day;
  while (d < end && (quota == null || v < quota)) {
    d = toDay(toSec(d) + DAY_S);
    v = Math.min(quota ?? Infinity, v + pace);
    dates.push(d);
    values.push(Math.round(v));
  }
  return { dates, values };
}

const reachedQuota = (p) => p && p.figure != null && p.quota != null && p.quota > 0 && p.figure >= p.quota;

/**
 * The chart's summary of a series (points oldest first, cur one of them):
 * the day's figure, then after the campaign's end its outcome; for a unit at
 * or over its quota that it has reached it, since the first day of that run
 * when the series shows it; else the projection at the 7-day pace.
 */
export function summary(points, cur, c, lang) {
  const w = words(lang);
  if (!cur || cur.figure == null) return w.noData;
  const s = w.summary;
  const out = [s.head(cur.figureText ?? fmtInt(cur.figure, lang), cur.quota == null ? '' : cur.quotaText ?? fmtInt(cur.quota, lang), fmtDate(cur.date, lang))];
  if (cur.outcome) out.push(s[cur.outcome](cur.rateText ?? fmtRate(cur.rate, lang)));
  if (reachedQuota(cur)) {
    let i = points.indexOf(cur);
    while (i > 0 && reachedQuota(points[i - 1])) i--;
    const known = i > 0 || (points[0] && points[0].date === c.startDate);
    out.push(s.reached(known ? fmtDate(points[Math.max(i, 0)].date, lang) : ''));
  } else if (!cur.outcome && cur.pace7d != null) {
    const pace = fmtInt(Math.round(cur.pace7d), lang);
    const proj = cur.projectedCompletion;
    out.push(!proj ? s.notBeforeEnd(pace) : proj <= c.endDate ? s.projected(pace, fmtDate(proj, lang)) : s.projectedLate(pace, fmtDate(proj, lang)));
  }
  return out.join(' ');
}
