// Charts worth printing: the y axis from zero, the legend in the page's
// language, milestones listed under the chart, month names on the reporting
// calendar, a text alternative, PNG and
// SVG downloads, and the embeddable chart in a 360-px iframe.
//   node charts.test.mjs BASE_URL
import { readFileSync } from 'node:fs';
import { base, check, open } from './lib.mjs';

const C = 'ben-tre-cong-dan-so';
const { page, idle, finish } = await open({ width: 1000, height: 900 });

for (const lang of ['vi', 'en']) {
  await page.goto(`${base}/unit.html?campaign=${C}&unit=83${lang === 'en' ? '&lang=en' : ''}`);
  await idle();
  await page.waitForSelector('#chart .uplot');
  const legend = await page.locator('#chart .u-legend').innerText();
  check(legend.includes(lang === 'en' ? 'Date' : 'Ngày') && !legend.includes('Time'), `${lang}: the legend is translated (${legend.replace(/\s+/g, ' ').slice(0, 60)})`);
  const alt = await page.locator('#chart .uplot').getAttribute('aria-label');
  check((await page.locator('#chart .uplot').getAttribute('role')) === 'img' && /\d/.test(alt || ''), `${lang}: the chart has a text alternative: ${alt}`);
  const months = await page.locator('#cal-rows .cal-month').allInnerTexts();
  check(months.length === 3 && months[0].includes('2023') && /10|oct/i.test(months[0]) && /12|dec/i.test(months[2]), `${lang}: the reporting calendar names its months: ${months.join(', ')}`);
  const ms = await page.locator('#chart ol.milestones li').allInnerTexts();
  check(ms.length >= 1 && ms.every((m) => !m.endsWith('…')), `${lang}: ${ms.length} milestone(s) listed in full under the chart`);
}

// The downloads, in English.
const png = page.waitForEvent('download');
await page.locator('.chart-dl button', { hasText: 'PNG' }).click();
const pngFile = await (await png).path();
check(readFileSync(pngFile).subarray(1, 4).toString() === 'PNG', 'the PNG download is a PNG');
const svgDl = page.waitForEvent('download');
await page.locator('.chart-dl button', { hasText: 'SVG' }).click();
const svgDownload = await svgDl;
const svg = readFileSync(await svgDownload.path(), 'utf8');
check(svgDownload.suggestedFilename().endsWith('.svg') && svg.startsWith('<svg') && (svg.match(/<path /g) || []).length >= 2, `the SVG download draws the series (${(svg.match(/<path /g) || []).length} paths)`);
check(/>0<\/text>/.test(svg), 'the y axis starts at zero');
check(svg.includes('Quota') && svg.includes('Source: Tiến Độ'), 'the SVG carries the legend and the source');

// The embeddable chart, in a 360-px column on another page.
await page.setViewportSize({ width: 360, height: 740 });
await page.goto(`${base}/embed-chart.html?campaign=${C}&unit=83&metric=collected&date=2023-11-14`);
await idle();
await page.waitForSelector('#chart .uplot');
const text = await page.locator('main').innerText();
check(text.includes('Bến Tre') && text.includes('14/11/2023') && text.includes('822.139'), 'the embed names the unit and shows 822.139 as of 14/11/2023');
const wide = await page.evaluate(() => document.documentElement.scrollWidth);
check(wide <= 360, `the embed fits 360 px (${wide})`);
await finish();
