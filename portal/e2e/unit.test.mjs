// The unit page against the demo: breadcrumb, figures, chart, calendar,
// children and quota history equal the API's; language and history work.
// Saves screenshots/unit.png.
import { join } from 'node:path';
import { base, api, check, open, shots } from './lib.mjs';

const { page, idle, finish } = await open();
const C = 'ben-tre-cong-dan-so';
const url = (unit, extra = '') => `${base}/unit.html?campaign=${C}&unit=${unit}&metric=activated&date=2023-11-14${extra}`;
const POINT = 'date figure figureText rateText quotaText coverage { onTime late missing total } corrected';
async function series(unit, to = '2023-11-14') {
  const out = [];
  let after = null;
  for (;;) {
    const p = (await api(`query($u: String!, $after: String, $to: Date) { progress(campaign: "${C}", unitCode: $u, metric: "activated", to: $to, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor } edges { node { ${POINT} } } } }`, { u: unit, after, to })).progress;
    out.push(...p.edges.map((e) => e.node));
    if (!p.pageInfo.hasNextPage) return out;
    after = p.pageInfo.endCursor;
  }
}
const status = (cv) => (cv.total === 0 ? 'future' : cv.total > 1 ? (cv.onTime === cv.total ? 'onTime' : cv.onTime === 0 ? 'missing' : 'partial') : cv.missing ? 'missing' : cv.late ? 'late' : 'onTime');

// The province on its press day.
await page.goto(url('83'));
await page.waitForSelector('#metrics li');
await idle();
await page.waitForSelector('#chart .uplot');
const want = await api(`{
  c: progress(campaign: "${C}", unitCode: "83", metric: "collected", from: "2023-11-14", to: "2023-11-14") { edges { node { figureText quotaText rateText } } }
  a: progress(campaign: "${C}", unitCode: "83", metric: "activated", from: "2023-11-14", to: "2023-11-14") { edges { node { figureText rateText } } }
  r: ranking(campaign: "${C}", metric: "activated", date: "2023-11-14", scopeCode: "83", level: DISTRICT, first: 20) { edges { node { unit { fullName } figureText rateText } } }
}`);
const cards = await page.locator('#metrics').innerText();
const col = want.c.edges[0].node, act = want.a.edges[0].node;
check(cards.includes(col.figureText) && cards.includes(col.quotaText) && cards.includes(col.rateText) && cards.includes(act.figureText) && cards.includes(act.rateText),
  `figures as the API's: ${col.figureText}/${col.quotaText} ${col.rateText}, ${act.figureText} ${act.rateText}`);
check(col.figureText === '822.139' && col.rateText === '88,33%', 'Bến Tre collected 822.139, 88,33%');
const kids = await page.locator('#children-rows tr').allInnerTexts();
const rows = want.r.edges.map((e) => e.node);
check(kids.length === rows.length && rows.every((r, i) => kids[i].includes(r.unit.fullName) && kids[i].includes(r.figureText) && kids[i].includes(r.rateText)),
  `the ${rows.length} districts below, as the API ranks them`);
const box = await page.locator('#chart canvas').first().boundingBox();
check(box && box.width > 200 && box.height > 100, `the chart is drawn (${box && Math.round(box.width)}×${box && Math.round(box.height)})`);
check((await page.locator('#chart-summary').innerText()).includes(act.figureText), 'the chart\'s summary says the figure');
const prov = await series('83');
const tableRows = await page.locator('#series-rows tr').allTextContents();
check(tableRows.length === prov.length && tableRows[prov.length - 1].includes(act.figureText), `the day-by-day table has ${prov.length} days, the last ${act.figureText}`);
await page.screenshot({ path: join(shots, 'unit.png') });

// A commune that missed a day: the calendar is the API's coverage, day by day.
await page.goto(url('29056'));
await page.waitForSelector('#cal-rows td[data-day]');
await idle();
const crumbs = await page.locator('#crumbs').innerText();
check(crumbs.includes('Tỉnh Bến Tre') && crumbs.includes('Xã Long Định'), `breadcrumb: ${crumbs.replace(/\n/g, ' ')}`);
const days = await page.locator('#cal-rows td[data-day]').evaluateAll((tds) => tds.map((td) => [td.dataset.day, td.dataset.status]));
const camp = (await api(`{ campaign(slug: "${C}") { startDate endDate } }`)).campaign;
const span = (Date.parse(camp.endDate) - Date.parse(camp.startDate)) / 864e5 + 1;
check(days.length === span, `one calendar cell per campaign day (${days.length} of ${span})`);
const comm = new Map((await series('29056', null)).map((p) => [p.date, p]));
let same = 0, missing = 0, late = 0;
for (const [d, s] of days) {
  const p = comm.get(d);
  const w = p ? status(p.coverage) + (p.corrected ? ' corrected' : '') : 'future';
  if (w === s) same++;
  if (s.startsWith('missing')) missing++;
  if (s.startsWith('late')) late++;
}
check(same === days.length, `every cell's status is the API's (${same}/${days.length})`);
check(missing > 0 && days.find(([d]) => d === '2023-10-03')[1] === 'missing', `2023-10-03 is marked missing (${missing} missing, ${late} late days)`);
check((await page.locator('#children-section').isHidden()), 'a commune has no children table');

// History: back to the province; English keeps the page.
await page.goBack();
await idle();
check((await page.locator('h1').innerText()) === 'Tỉnh Bến Tre', 'back returns to the province');
await page.locator('#lang-switch').click();
await page.waitForFunction(() => document.documentElement.lang === 'en');
await idle();
const en = (await api(`{ progress(campaign: "${C}", unitCode: "83", metric: "collected", from: "2023-11-14", to: "2023-11-14") { edges { node { figureText(lang: EN) rateText(lang: EN) } } } }`)).progress.edges[0].node;
const enCards = await page.locator('#metrics').innerText();
check(page.url().includes('/unit.html') && enCards.includes(en.figureText) && enCards.includes(en.rateText), `English keeps the page: ${en.figureText}, ${en.rateText}`);

// A unit with quota history: Hải Phòng's scope.
const hp = (await api(`{ campaign(slug: "ben-tre-cong-dan-so") { quotaHistory(unitCode: "28756", first: 50) { edges { node { reason targetText } } } } }`)).campaign;
await page.goto(`${base}/unit.html?campaign=${C}&unit=28756`);
await page.waitForSelector('#metrics li');
await idle();
const qs = hp.quotaHistory.edges.map((e) => e.node);
const qt = await page.locator('#quota-rows').innerText();
check(qs.length > 1 && qs.every((q) => qt.includes(q.targetText) && qt.includes(q.reason)), `quota history: ${qs.length} revisions with their reasons`);
await page.setViewportSize({ width: 360, height: 740 });
await page.waitForTimeout(300);
const wide = await page.evaluate(() => document.documentElement.scrollWidth);
check(wide <= 360, `at 360 px the page is ${wide} px wide`);
await finish();
