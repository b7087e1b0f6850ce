// Accessibility and phone widths on every portal page: axe-core (pinned in
// package.json) finds no violation in Vietnamese and English at 1280 and 360
// pixels, and at 360 px no element reaches past the viewport's right edge
// (content inside a sideways-scrolling region, such as a wide table in its
// wrapper, is clipped by it and does not count); the home page's headline
// figures are above the fold at 1280×900 and 360×740.
//   node a11y.test.mjs BASE_URL
// A page someone adds to the portal belongs in PAGES.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { base, check, open } from './lib.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const C = 'ben-tre-cong-dan-so';
export const PAGES = [
  '/', `/?campaign=${C}&date=2023-11-14`, `/rankings.html?campaign=${C}`, `/unit.html?campaign=${C}&unit=83`,
  '/campaigns.html', `/campaigns.html?campaign=${C}`, `/milestone.html?campaign=${C}&date=2023-12-15`, `/corrections.html?campaign=${C}`, '/data.html', '/method.html',
  '/bulletins/', `/bulletins/${C}/`, `/bulletins/${C}/2023-11-14`,
  `/embed-chart.html?campaign=${C}&unit=83&metric=collected`, `/embed/${C}/83`,
];
const portalPage = (p) => !p.startsWith('/bulletins') && !p.startsWith('/embed/');
const withLang = (p, lang) => (lang === 'en' ? p + (p.includes('?') ? '&' : '?') + 'lang=en' : p);

/** Elements whose right edge passes the viewport's, outside any clipping ancestor. */
function overflowing() {
  const vw = document.documentElement.clientWidth;
  const clipped = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' && a.getBoundingClientRect().right <= vw + 0.5) return true;
    }
    return false;
  };
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 0.5 || clipped(e)) continue;
    out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''} (${Math.round(r.right)} px)`);
  }
  return out.slice(0, 5);
}

const { page, idle, finish } = await open({ width: 1280, height: 900 });
for (const width of [1280, 360]) {
  await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
  for (const lang of ['vi', 'en']) {
    for (const p of PAGES) {
      const url = withLang(p, lang);
      await page.goto(base + url);
      if (portalPage(p)) await idle();
      await page.waitForTimeout(300); // charts draw after the data
      await page.evaluate(axeSource);
      const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const v = res.violations.map((x) => `${x.id} (${x.nodes.length}: ${x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')})`);
      check(v.length === 0, `axe ${width} px ${url}: ${v.length ? v.join('; ') : 'no violation'}`);
      if (width === 360) {
        const wide = await page.evaluate(overflowing);
        check(wide.length === 0, `360 px ${url}: ${wide.length ? 'too wide: ' + wide.join(', ') : 'nothing wider than the viewport'}`);
      }
    }
  }
}
// The home page's headline figures (the first metric's figure, quota and
// rate) are above the fold on a laptop and on a phone.
for (const [width, height] of [[1280, 900], [360, 740]]) {
  await page.setViewportSize({ width, height });
  await page.goto(base + '/');
  await idle();
  await page.waitForSelector('#metrics li .big');
  const bottom = await page.evaluate(() => document.querySelector('#metrics li .bar').nextElementSibling.getBoundingClientRect().bottom);
  check(bottom <= height, `home ${width}×${height}: the first headline figure and its rate end at ${Math.round(bottom)} px, above the fold`);
}
await finish();
