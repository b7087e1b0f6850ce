// The static copy (server publish --out) on a plain static host under a
// sub-path, calling the API on another origin: the pages render the API's
// numbers, the bulletin links resolve, and no request goes anywhere else.
//   node static.check.mjs STATIC_BASE API_BASE    e.g. http://127.0.0.1:9000/tiendo/ http://127.0.0.1:8080
import { chromium } from 'playwright-core';

const [site, apiBase] = process.argv.slice(2);
if (!site || !apiBase) throw new Error('usage: node static.check.mjs STATIC_BASE API_BASE');
let failures = 0;
const check = (cond, msg) => { if (!cond) failures++; console.log(cond ? 'ok  ' : 'FAIL', msg); };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1000, height: 820 } });
const errors = [], foreign = [];
const origins = [new URL(site).origin, new URL(apiBase).origin];
page.on('request', (r) => { const u = r.url(); if (!origins.some((o) => u.startsWith(o)) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u); });
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));
page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
const idle = () => page.waitForFunction(() => document.querySelector('main') && document.querySelector('main').getAttribute('aria-busy') !== 'true');

await page.goto(`${site}?campaign=ben-tre-cong-dan-so&date=2023-11-14&metric=activated`);
await page.waitForSelector('#rows tr');
await idle();
const cards = await page.locator('#metrics').innerText();
check(cards.includes('822.139') && cards.includes('88,33%'), 'the copy\'s home page shows Bến Tre\'s 822.139 (88,33%) from the API on the other origin');
await page.waitForSelector('#bulletin:not([hidden])');
await page.click('#bulletin-link');
await page.waitForSelector('.lead');
check(page.url().startsWith(site + 'bulletins/ben-tre-cong-dan-so/2023-11-14/') && (await page.locator('.lead').innerText()).includes('822.139/930.767'), `the bulletin link opens the copy's column (${page.url()})`);
await page.goto(`${site}rankings.html?campaign=ben-tre-cong-dan-so&date=2023-11-14&metric=activated&level=DISTRICT`);
await page.waitForSelector('#rows tr');
await idle();
check((await page.locator('#rows tr').count()) === 9, 'the rankings page lists the 9 districts');
for (const p of ['unit.html?campaign=ben-tre-cong-dan-so&unit=83', 'campaigns.html', 'data.html', 'method.html']) {
  await page.goto(site + p);
  await idle();
  check((await page.locator('h1').innerText()).length > 0, `${p} renders`);
}
await page.goto(`${site}data.html?lang=en`);
await idle();
const dataText = await page.locator('main').innerText();
check(dataText.includes(`${site}feeds/bulletins.atom`) && dataText.includes(`${site}embed/ben-tre-cong-dan-so/83/index.en.html`) && !dataText.includes(`${new URL(site).origin}/feeds/`), 'the Data page\'s copy-paste addresses keep the copy\'s base path');
for (const [p, words] of [['embed/ben-tre-cong-dan-so/83/', 'Tính đến ngày'], ['embed/ben-tre-cong-dan-so/83/index.en.html', 'As of']]) {
  await page.goto(site + p);
  check((await page.locator('.card').innerText()).includes(words), `the copy's embed card ${p} renders (${words})`);
}
await page.goto(`${site}bulletins/ben-tre-cong-dan-so/index.en.html`);
check((await page.locator('tbody tr').count()) > 30, 'the copy\'s English archive lists the editions');
check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
check(foreign.length === 0, `no request beyond the copy and the API${foreign.length ? ': ' + foreign.join(', ') : ''}`);
await browser.close();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
