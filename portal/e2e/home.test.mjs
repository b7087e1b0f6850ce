// Browser tests of the portal against the demo: playwright-core driving
// Debian's chromium (npx playwright install cannot download browsers here).
//   node home.test.mjs BASE_URL
// Every page renders with no console error; the numbers on the page are the
// API's; switching language works; no request leaves the origin. Saves
// a screenshot of the home page in screenshots/ (rankings.test.mjs takes ranking.png).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.argv[2];
if (!base) throw new Error('usage: node home.test.mjs BASE_URL');
const here = dirname(fileURLToPath(import.meta.url));
const shots = process.env.SCREENSHOTS_DIR || join(here, 'screenshots');
mkdirSync(shots, { recursive: true });

let failures = 0;
const fail = (msg) => { failures++; console.log('FAIL', msg); };
const ok = (msg) => console.log('ok  ', msg);
const check = (cond, msg) => (cond ? ok(msg) : fail(msg));

async function api(query, variables) {
  const r = await fetch(base + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const j = await r.json();
  if (j.errors) throw new Error(JSON.stringify(j.errors));
  return j.data;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const context = await browser.newContext({ viewport: { width: 1000, height: 820 }, locale: 'vi-VN' });
const origin = new URL(base).origin;
const foreign = [];
const errors = [];
context.on('request', (req) => { if (!req.url().startsWith(origin) && !req.url().startsWith('data:')) foreign.push(req.url()); });
const page = await context.newPage();
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));
page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });

// The API's own figures for Bến Tre on 14/11/2023.
const want = await api(`{
  c: progress(campaign: "ben-tre-cong-dan-so", unitCode: "83", metric: "collected", from: "2023-11-14", to: "2023-11-14") { edges { node { figureText quotaText rateText en: rateText(lang: EN) enFig: figureText(lang: EN) } } }
  a: progress(campaign: "ben-tre-cong-dan-so", unitCode: "83", metric: "activated", from: "2023-11-14", to: "2023-11-14") { edges { node { figureText rateText } } }
  r: ranking(campaign: "ben-tre-cong-dan-so", metric: "activated", date: "2023-11-14", level: DISTRICT, first: 9) { edges { node { rank unit { fullName name } figureText rateText } } }
  b: bulletin(campaign: "ben-tre-cong-dan-so", date: "2023-11-14") { lead url }
}`);
const col = want.c.edges[0].node, act = want.a.edges[0].node, rows = want.r.edges.map((e) => e.node);
check(col.figureText === '822.139' && col.rateText === '88,33%' && act.rateText === '71,3%', `the API says 822.139 (${col.rateText}) and ${act.figureText} (${act.rateText})`);

// Home, on Bến Tre's press day, ranked by activation.
await page.goto(`${base}/?campaign=ben-tre-cong-dan-so&date=2023-11-14&metric=activated`);
await page.waitForSelector('#rows tr');
await page.waitForFunction(() => document.querySelector('main').getAttribute('aria-busy') !== 'true');
const metricsText = await page.locator('#metrics').innerText();
for (const s of [col.figureText, col.quotaText, col.rateText, act.figureText, act.rateText]) {
  check(metricsText.includes(s), `home shows ${s} as the API does`);
}
const tableRows = await page.locator('#rows tr').allInnerTexts();
check(tableRows.length === rows.length, `the ranking has ${rows.length} rows (${tableRows.length})`);
rows.forEach((r, i) => {
  const tr = tableRows[i] || '';
  check(tr.includes(r.unit.name) && tr.includes(r.figureText) && tr.includes(r.rateText), `row ${i + 1}: ${r.unit.name} ${r.figureText} ${r.rateText}`);
});
await page.waitForSelector('#bulletin:not([hidden])');
check((await page.locator('#bulletin-lead').innerText()) === want.b.lead, 'the day\'s bulletin lead is on the home page');
// Units per band, and the chart of the series against the quota.
const bc = (await api(`{ ranking(campaign: "ben-tre-cong-dan-so", metric: "activated", date: "2023-11-14", level: DISTRICT) { bandCounts { band { labelVi } count } } }`)).ranking.bandCounts;
const bandsText = await page.locator('#bands').innerText();
check(bc.filter((b) => b.band).every((b) => bandsText.includes(`${b.band.labelVi} ${b.count}`)), `units per band as the API counts them: ${bandsText}`);
await page.waitForSelector('#chart canvas');
const box = await page.locator('#chart canvas').first().boundingBox();
check(box && box.width > 200 && box.height > 100, `the chart is drawn (${box && Math.round(box.width)}×${box && Math.round(box.height)})`);
const summary = await page.locator('#chart-summary').innerText();
check(summary.includes(act.figureText) && summary.includes('930.767'), `the chart's summary: ${summary}`);
await page.evaluate(() => document.getElementById('h-progress').scrollIntoView());
await page.screenshot({ path: join(shots, 'home.png') });

// Drill down to Ba Tri, then back.
await page.locator('#rows a', { hasText: 'Ba Tri' }).first().click();
await page.waitForFunction(() => location.search.includes('scope=836'));
await page.waitForFunction(() => document.querySelector('main').getAttribute('aria-busy') !== 'true');
check((await page.locator('#h-progress').innerText()).includes('Ba Tri'), 'a ranking row links to its unit');
await page.goBack();
await page.waitForFunction(() => !location.search.includes('scope=836'));
await page.waitForFunction(() => document.querySelector('main').getAttribute('aria-busy') !== 'true');
check((await page.locator('#h-progress').innerText()).includes('Bến Tre'), 'back returns to the province');

// English keeps the page.
await page.locator('#lang-switch').click();
await page.waitForFunction(() => location.search.includes('lang=en'));
await page.waitForFunction(() => document.documentElement.lang === 'en' && document.querySelector('main').getAttribute('aria-busy') !== 'true');
const en = await page.locator('#metrics').innerText();
check(en.includes(col.enFig) && en.includes(col.en), `English shows ${col.enFig} and ${col.en}`);
check(page.url().includes('campaign=ben-tre-cong-dan-so'), 'switching language keeps the campaign');

// The bulletin column and the archive.
await page.goto(base + want.b.url);
check((await page.locator('.lead').innerText()) === want.b.lead, 'the bulletin column prints the API\'s lead');
await page.goto(`${base}/bulletins/ben-tre-cong-dan-so/`);
check((await page.locator('tbody tr').count()) > 30, 'the archive lists the campaign\'s editions');

// GraphiQL works offline.
await page.goto(`${base}/graphiql`);
await page.waitForSelector('.graphiql-container', { timeout: 15000 });
ok('GraphiQL renders from local assets');

check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
check(foreign.length === 0, `no request leaves ${origin}${foreign.length ? ': ' + foreign.join(', ') : ''}`);
await browser.close();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
