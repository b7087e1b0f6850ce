// The campaigns, data and method pages against the demo, in both languages;
// every page fits a 360-pixel screen.
import { base, api, check, open } from './lib.mjs';

const { page, idle, finish, context } = await open();
const C = 'ben-tre-cong-dan-so';

// Campaigns: the list, then one in full.
const cs = (await api(`{ campaigns(first: 50) { edges { node { slug name legalRef startDate endDate milestones { date } } } } }`)).campaigns.edges.map((e) => e.node);
await page.goto(`${base}/campaigns.html`);
await page.waitForSelector('.campaigns li');
await idle();
const list = await page.locator('#content').innerText();
check(cs.every((c) => list.includes(c.name) && list.includes(c.legalRef)), `the list names all ${cs.length} campaigns with their legal basis`);
const bt = cs.find((c) => c.slug === C);
await page.locator('.campaigns h2 a', { hasText: bt.name }).click();
await page.waitForSelector('#metrics-table');
await idle();
const one = await page.locator('#content').innerText();
const want = (await api(`{ c: progress(campaign: "${C}", unitCode: "83", metric: "collected", to: "2023-12-15", first: 100) { edges { node { figure figureText quotaText rateText } } }
  q: campaign(slug: "${C}") { quotas(first: 1) { totalCount } } }`));
const last = want.c.edges.map((e) => e.node).filter((p) => p.figure != null).pop();
check(one.includes('02/10/2023') && one.includes('15/12/2023') && one.includes(bt.legalRef), 'one campaign: its dates and legal basis');
check(one.includes(last.figureText) && one.includes(last.quotaText) && one.includes(last.rateText), `its latest figures as the API's: ${last.figureText} / ${last.quotaText}, ${last.rateText}`);
check(one.includes('≥ 100%') && one.includes('≥ 70%') && one.includes('≥ 40%'), 'its bands with their thresholds');
check(one.includes('07:30'), 'its report deadline');
await page.locator('#lang-switch').click();
await page.waitForFunction(() => document.documentElement.lang === 'en');
await idle();
check(page.url().includes('/campaigns.html') && page.url().includes('campaign=' + C), 'English keeps the campaign page');
check((await page.locator('#content').innerText()).includes('Oct 2, 2023'), 'English dates');

// Data & API: every example runs, and opens in GraphiQL.
await page.goto(`${base}/data.html`);
await page.waitForSelector('.example');
const examples = await page.locator('.example pre code').allInnerTexts();
check(examples.length >= 5, `${examples.length} example queries`);
for (const [i, q] of examples.entries()) {
  try {
    await api(q);
    check(true, `example ${i + 1} runs without errors`);
  } catch (e) {
    check(false, `example ${i + 1}: ${e.message}`);
  }
}
const href = await page.locator('.graphiql-link').nth(1).getAttribute('href');
const gq = await context.newPage();
await gq.goto(`${base}/data.html`);
await gq.goto(new URL(href, `${base}/data.html`).href);
await gq.waitForSelector('.graphiql-container', { timeout: 15000 });
await gq.waitForTimeout(500);
const editor = await gq.locator('.graphiql-query-editor').innerText();
check(editor.includes('unitCode: "83"') && editor.includes('rateText'), 'the GraphiQL link opens with the example filled in');
await gq.close();
const dataText = await page.locator('#content').innerText();
check(['BAD_INPUT', 'NOT_FOUND', 'UNAUTHENTICATED', 'FORBIDDEN', 'TOO_COMPLEX', 'RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL'].every((c) => dataText.includes(c)), 'the error codes are listed');
check(dataText.includes('/feeds/bulletins.atom') && dataText.includes('<iframe') && dataText.includes('rate_text'), 'the feeds, the embed snippet and the CSV columns');

// Method: the worked example is the API's.
await page.goto(`${base}/method.html`);
await page.waitForSelector('#example:not([hidden])');
const ex = await page.locator('#example').innerText();
check(ex.includes('822.139') && ex.includes('930.767') && ex.includes('88,33%') && ex.includes('88,3291'), `the worked example: ${ex.split('\n').slice(2, 4).join(' ')}`);
await page.locator('#lang-switch').click();
await page.waitForSelector('#example:not([hidden])');
await page.waitForFunction(() => document.documentElement.lang === 'en');
const exEn = await page.locator('#example').innerText();
check(page.url().includes('/method.html') && exEn.includes('822,139') && exEn.includes('88.33%'), 'English keeps the page and its numbers');

// Every page fits a phone.
await page.setViewportSize({ width: 360, height: 740 });
for (const p of ['/', `/?campaign=${C}`, `/rankings.html?campaign=${C}`, `/unit.html?campaign=${C}&unit=83`, '/campaigns.html', `/campaigns.html?campaign=${C}`, '/data.html', '/method.html', '/bulletins/', `/bulletins/${C}/2023-11-14`]) {
  await page.goto(base + p);
  await page.waitForTimeout(600);
  if (!p.startsWith('/bulletins')) await idle();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 360, `${p} at 360 px is ${wide} px wide`);
}
await finish();
