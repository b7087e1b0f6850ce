// The rankings page against the demo: the rows are the API's, sorting,
// search, paging, CSV, language and history work. Saves screenshots/ranking.png.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { base, api, check, ok, fail, open, shots } from './lib.mjs';

const { page, idle, finish } = await open();
const C = 'ben-tre-cong-dan-so';
const Q = `query($l: UnitKind!, $s: String, $after: String, $lang: Lang) { ranking(campaign: "${C}", metric: "activated", date: "2023-11-14", level: $l, scopeCode: $s, first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } bandCounts { band { labelVi } count }
  edges { node { rank unit { code fullName } figure figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang) rate } } } }`;
async function all(level, scope, lang = 'VI') {
  const rows = [];
  let after = null, total = 0, bands = null;
  for (;;) {
    const r = (await api(Q, { l: level, s: scope, after, lang })).ranking;
    rows.push(...r.edges.map((e) => e.node));
    total = r.totalCount; bands = bands || r.bandCounts;
    if (!r.pageInfo.hasNextPage) break;
    after = r.pageInfo.endCursor;
  }
  return { rows, total, bands };
}
const rowsText = () => page.locator('#rows tr').allInnerTexts();

// The districts of Bến Tre on its press day, ranked by activation.
const districts = await all('DISTRICT', null);
await page.goto(`${base}/rankings.html?campaign=${C}&metric=activated&date=2023-11-14&level=DISTRICT`);
await page.waitForSelector('#rows tr');
await idle();
let trs = await rowsText();
check(trs.length === districts.total, `${districts.total} districts shown (${trs.length})`);
districts.rows.forEach((r, i) => {
  const t = trs[i] || '';
  check(t.startsWith(String(r.rank)) && t.includes(r.unit.fullName) && t.includes(r.figureText) && t.includes(r.quotaText) && t.includes(r.rateText),
    `row ${i + 1}: ${r.rank} ${r.unit.fullName} ${r.figureText} / ${r.quotaText} ${r.rateText}`);
});
const bandsText = await page.locator('#bands').innerText();
check(districts.bands.filter((b) => b.band).every((b) => bandsText.includes(`${b.band.labelVi} ${b.count}`)), `band counts as the API's: ${bandsText}`);
await page.evaluate(() => document.getElementById('h-table').scrollIntoView());
await page.screenshot({ path: join(shots, 'ranking.png') });

// Sort by figure (largest first), then by name.
await page.locator('thead a', { hasText: 'Số liệu' }).click();
await idle();
trs = await rowsText();
const byFigure = [...districts.rows].sort((a, b) => b.figure - a.figure);
check(trs.every((t, i) => t.includes(byFigure[i].unit.fullName)), 'sorting by figure orders the rows largest first');
check(page.url().includes('sort=figure'), 'the sort is in the URL');
check((await page.locator('th[aria-sort]').getAttribute('aria-sort')) === 'descending', 'the sorted column says aria-sort=descending');
await page.locator('thead a', { hasText: 'Đơn vị' }).click();
await idle();
trs = await rowsText();
const coll = new Intl.Collator('vi');
const byName = [...districts.rows].sort((a, b) => coll.compare(a.unit.fullName, b.unit.fullName));
check(trs.every((t, i) => t.includes(byName[i].unit.fullName)), 'sorting by unit orders the names as Vietnamese does');
await page.goBack();
await idle();
trs = await rowsText();
check(trs.every((t, i) => t.includes(byFigure[i].unit.fullName)) && page.url().includes('sort=figure'), 'back restores the sort by figure');

// Search without accents.
await page.fill('#q', 'thanh phu');
await page.waitForFunction(() => location.search.includes('q=thanh'));
await idle();
trs = await rowsText();
check(trs.length === 1 && trs[0].includes('Thạnh Phú'), `"thanh phu" finds Thạnh Phú (${trs.length} rows)`);
await page.fill('#q', '');
await page.waitForFunction(() => !location.search.includes('q='));
await idle();

// The communes of the province: more than one page of 50.
const communes = await all('COMMUNE', null);
await page.goto(`${base}/rankings.html?campaign=${C}&metric=activated&date=2023-11-14&level=COMMUNE`);
await page.waitForSelector('#rows tr');
await idle();
const pages = Math.ceil(communes.total / 50);
check(pages > 1, `${communes.total} communes make ${pages} pages`);
check((await page.locator('#pager').innerText()).includes(`Trang 1/${pages}`), 'the pager says page 1');
await page.locator('#pager a[rel=next]').click();
await page.waitForFunction(() => location.search.includes('page=2'));
await idle();
trs = await rowsText();
check(trs.length === Math.min(50, communes.total - 50) && trs[0].includes(communes.rows[50].unit.fullName) && trs[0].includes(communes.rows[50].rateText),
  `page 2 starts with the 51st unit, ${communes.rows[50].unit.fullName}`);

// CSV: every row of the table, UTF-8 with a byte order mark.
const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
const csv = readFileSync(await download.path(), 'utf8');
const lines = csv.trim().split(/\r\n/);
check(csv.charCodeAt(0) === 0xfeff, 'the CSV starts with a byte order mark');
check(lines.length === communes.total + 1, `the CSV has a header and ${communes.total} rows (${lines.length - 1})`);
const first = communes.rows[0];
check(lines[1].includes(first.unit.code) && lines[1].includes(first.unit.fullName) && lines[1].includes(String(first.figure)) && lines[1].includes(first.rateText),
  `the CSV's first row is ${first.unit.fullName}, ${first.figure}, ${first.rateText}`);
check(/\.csv$/.test(download.suggestedFilename()), `it downloads as ${download.suggestedFilename()}`);

// English keeps the page and its state.
await page.locator('#lang-switch').click();
await page.waitForFunction(() => document.documentElement.lang === 'en');
await idle();
check(page.url().includes('/rankings.html') && page.url().includes('page=2') && page.url().includes('level=COMMUNE'), 'English keeps the page, level and page');
const en = (await all('COMMUNE', null, 'EN')).rows[50];
trs = await rowsText();
check(trs[0].includes(en.figureText) && trs[0].includes(en.rateText), `English numbers: ${en.figureText}, ${en.rateText}`);

// A row links to its unit's page.
const href = await page.locator('#rows th a').first().getAttribute('href');
check(href.startsWith('unit.html?') && href.includes('unit=' + communes.rows[50].unit.code), `a row links to its unit page (${href})`);

// Narrow screen: nothing scrolls sideways but the table.
await page.setViewportSize({ width: 360, height: 740 });
const wide = await page.evaluate(() => document.documentElement.scrollWidth);
check(wide <= 360, `at 360 px the page is ${wide} px wide`);
await finish();
