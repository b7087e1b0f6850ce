// Downloads of a chart drawn by chart.js: PNG (the canvas as drawn, with its
// title, legend and milestones written around it) and SVG (the same series
// redrawn as vectors, for print). Loaded on the first click of a download.
import { STYLES } from './chart.js';
import { fmtDate } from './i18n.js';

const FONT = 'system-ui, sans-serif';
const slug = (t) => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
const esc = (t) => String(t).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** The lines under the plot: the legend, the milestones, the source. */
function notes(u, { marks, lang, labels }) {
  return [
    ...u.series.slice(1).map((s, i) => ({ swatch: STYLES[i], text: s.label })),
    ...marks.map((m, i) => ({ text: `${i + 1}. ${fmtDate(m.date, lang)}: ${m.label}` })),
    { text: labels.source },
  ];
}

function fetchName(title, kind) {
  return `tiendo-${slug(title)}.${kind}`;
}

function saveBlob(blob, name) {
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Saves plot u as kind ('png' or 'svg'). */
export function save(u, kind, opts) {
  if (kind === 'svg') return saveBlob(new Blob([svg(u, opts)], { type: 'image/svg+xml' }), fetchName(opts.title, 'svg'));
  const src = u.ctx.canvas;
  const r = src.width / u.width; // device pixels per CSS pixel
  const lines = notes(u, opts);
  const c = document.createElement('canvas');
  c.width = src.width;
  c.height = src.height + Math.round((30 + 18 * lines.length + 8) * r);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.fillStyle = '#111';
  ctx.font = `bold ${14 * r}px ${FONT}`;
  ctx.fillText(opts.title, 8 * r, 20 * r, c.width - 16 * r);
  ctx.drawImage(src, 0, 30 * r);
  ctx.font = `${12 * r}px ${FONT}`;
  lines.forEach((l, i) => {
    const y = src.height + (30 + 18 * (i + 1)) * r;
    let x = 8 * r;
    if (l.swatch) {
      ctx.strokeStyle = l.swatch.stroke;
      ctx.lineWidth = l.swatch.width * r;
      ctx.setLineDash((l.swatch.dash || []).map((d) => d * r));
      ctx.beginPath();
      ctx.moveTo(x, y - 4 * r);
      ctx.lineTo(x + 24 * r, y - 4 * r);
      ctx.stroke();
      x += 30 * r;
    }
    ctx.fillText(l.text, x, y, c.width - x - 8 * r);
  });
  c.toBlob((b) => saveBlob(b, fetchName(opts.title, 'png')), 'image/png');
}

/** The chart as an SVG document: axes, grid, the three lines, milestones, legend. */
export function svg(u, opts) {
  const r = u.ctx.canvas.width / u.width;
  const top = 30;
  const bb = { left: u.bbox.left / r, top: u.bbox.top / r + top, width: u.bbox.width / r, height: u.bbox.height / r };
  const lines = notes(u, opts);
  const W = u.width;
  const H = top + u.height + 18 * lines.length + 16;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`, `<text x="8" y="20" font-size="14" font-weight="bold">${esc(opts.title)}</text>`];
  // The axes' ticks and labels, as uPlot placed them.
  u.axes.forEach((a, i) => {
    const scale = i === 0 ? 'x' : 'y';
    (a._splits || []).forEach((v, j) => {
      const p = u.valToPos(v, scale);
      if (i === 0) out.push(`<text x="${(bb.left + p).toFixed(1)}" y="${bb.top + bb.height + 16}" text-anchor="middle">${esc(a._values[j])}</text>`);
      else out.push(`<line x1="${bb.left}" x2="${bb.left + bb.width}" y1="${(bb.top + p).toFixed(1)}" y2="${(bb.top + p).toFixed(1)}" stroke="#e3e6ea"/>`,
        `<text x="${bb.left - 6}" y="${(bb.top + p + 4).toFixed(1)}" text-anchor="end">${esc(a._values[j])}</text>`);
    });
  });
  out.push(`<line x1="${bb.left}" x2="${bb.left + bb.width}" y1="${bb.top + bb.height}" y2="${bb.top + bb.height}" stroke="#888"/>`);
  // The series: a path per run of days with a figure.
  const xs = u.data[0];
  u.data.slice(1).forEach((ys, i) => {
    let d = '';
    let pen = 'M';
    ys.forEach((v, j) => {
      if (v == null) { pen = 'M'; return; }
      d += `${pen}${(bb.left + u.valToPos(xs[j], 'x')).toFixed(1)} ${(bb.top + u.valToPos(v, 'y')).toFixed(1)}`;
      pen = 'L';
    });
    const s = STYLES[i];
    if (d) out.push(`<path d="${d}" fill="none" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}/>`);
  });
  opts.marks.forEach((m, i) => {
    const x = (bb.left + u.valToPos(Date.UTC(+m.date.slice(0, 4), +m.date.slice(5, 7) - 1, +m.date.slice(8, 10)) / 1000, 'x')).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${bb.top}" y2="${bb.top + bb.height}" stroke="#7a4b00" stroke-dasharray="2 3"/>`,
      `<text x="${+x + 3}" y="${bb.top + 12 + 13 * (i % 2)}" fill="#50575f">${i + 1}</text>`);
  });
  lines.forEach((l, i) => {
    const y = top + u.height + 18 * (i + 1);
    const s = l.swatch;
    if (s) out.push(`<line x1="8" x2="32" y1="${y - 4}" y2="${y - 4}" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}/>`);
    out.push(`<text x="${s ? 38 : 8}" y="${y}" font-size="12">${esc(l.text)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
