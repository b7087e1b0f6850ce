// The corrections page against the demo: every correction of Bến Tre as the
// API lists it (old → new value, reason, sending unit, on time or late),
// reached from a corrected day of a unit's calendar and from a ranking row
// whose figure was corrected, filtered to that unit and day; English, back
// and forward, 360-pixel screens. Saves screenshots/corrections.png.
import { join } from 'node:path';
import { base, api, check, open, shots } from './lib.mjs';

const { page, idle, finish } = await open();
const C = 'ben-tre-cong-dan-so';
const NODE = `unit { code fullName ancestors { code kind } } metric { key } date valueText previousValueText reason onTime
  submitterUnit { fullName } value previousValue`;
const all = (await api(`{ corrections(campaign: "${C}", first: 50) { totalCount edges { node { ${NODE} } } } }`)).corrections;
const fixes = all.edges.map((e) => e.node);
check(fixes.length > 0 && fixes.every((f) => f.reason && f.submitterUnit && f.previousValue != null), `the demo has ${fixes.length} corrections of Bến Tre, each with a reason and a sending unit`);

// The whole log, newest first, as the API gives it.
await page.goto(`${base}/corrections.html?campaign=${C}`);
await page.waitForSelector('#rows tr[data-unit]');
await idle();
const rows = await page.locator('#rows tr[data-unit]').allInnerTexts();
check(rows.length === fixes.length, `${rows.length} rows, the API's ${fixes.length}`);
check(fixes.every((f, i) => rows[i] && rows[i].includes(f.valueText) && rows[i].includes(f.previousValueText) && rows[i].includes(f.reason)
  && rows[i].includes(f.submitterUnit.fullName) && rows[i].includes(f.unit.fullName) && rows[i].includes(f.onTime ? 'đúng hạn' : 'trễ hạn')),
  'each row: old → new value, the reason, the sending unit, on time or late, in the API\'s order');
check((await page.locator('#h-table').innerText()).includes(String(all.totalCount)), 'the heading counts them');
const feed = await page.locator('#feed a').getAttribute('href');
const atom = await fetch(new URL(feed, page.url()).href);
check(atom.ok && (await atom.text()).includes('<feed'), `the page links its Atom feed (${feed})`);
await page.screenshot({ path: join(shots, 'corrections.png') });

// From a corrected day of the unit's calendar to that unit and day.
const f0 = fixes[0];
await page.goto(`${base}/unit.html?campaign=${C}&unit=${f0.unit.code}&metric=${f0.metric.key}`);
await page.waitForSelector('#cal-rows td[data-day]');
await idle();
const mark = page.locator(`#cal-rows td[data-day="${f0.date}"] a.cal-fix`);
check(await mark.count() === 1, `the calendar's corrected day ${f0.date} links to its corrections`);
await mark.click();
await page.waitForURL(/corrections\.html/);
await page.waitForSelector('#rows tr');
await idle();
const u = new URL(page.url());
check(u.searchParams.get('scope') === f0.unit.code && u.searchParams.get('from') === f0.date && u.searchParams.get('to') === f0.date,
  `filtered to ${f0.unit.code} on ${f0.date}`);
const one = await page.locator('#rows tr[data-unit]').evaluateAll((trs) => trs.map((tr) => [tr.dataset.unit, tr.dataset.day]));
check(one.length >= 1 && one.every(([code, day]) => code === f0.unit.code && day === f0.date), `only that unit and day (${one.length} rows)`);
check((await page.locator('#filter').innerText()).includes(f0.unit.fullName), 'the page says the scope');
await page.goBack();
await idle();
check(page.url().includes('/unit.html'), 'back returns to the unit page');

// From a ranking row whose figure was corrected.
const district = f0.unit.ancestors.find((a) => a.kind === 'DISTRICT');
await page.goto(`${base}/rankings.html?campaign=${C}&metric=${f0.metric.key}&date=${f0.date}&level=DISTRICT`);
await page.waitForSelector(`#rows tr[data-unit="${district.code}"] a.fix`);
await idle();
const marked = await page.locator('#rows tr[data-unit] a.fix').count();
const want = new Set(fixes.filter((f) => f.date === f0.date && f.metric.key === f0.metric.key)
  .map((f) => f.unit.ancestors.find((a) => a.kind === 'DISTRICT').code));
check(marked === want.size, `${marked} district rows marked corrected, the API says ${want.size}`);
await page.locator(`#rows tr[data-unit="${district.code}"] a.fix`).click();
await page.waitForURL(/corrections\.html/);
await page.waitForSelector('#rows tr[data-unit]');
await idle();
const sub = await page.locator('#rows tr[data-unit]').evaluateAll((trs) => trs.map((tr) => tr.dataset.unit));
check(sub.includes(f0.unit.code) && new URL(page.url()).searchParams.get('scope') === district.code, `the district's corrections of ${f0.date} include ${f0.unit.code}`);

// The unit page's table of the units below marks the corrected one too.
await page.goto(`${base}/unit.html?campaign=${C}&unit=${district.code}&metric=${f0.metric.key}&date=${f0.date}`);
await page.waitForSelector(`#children-rows tr[data-unit="${f0.unit.code}"] a.fix`);
await idle();
check(await page.locator('#children-rows a.fix').count() === new Set(fixes.filter((f) => f.date === f0.date && f.metric.key === f0.metric.key
  && f.unit.ancestors.some((a) => a.code === district.code)).map((f) => f.unit.code)).size, `the district's page marks its corrected communes of ${f0.date}`);
await page.goBack();
await idle();

// English keeps the page and its state.
await page.locator('#lang-switch').click();
await page.waitForFunction(() => document.documentElement.lang === 'en');
await idle();
const en = await page.locator('main').innerText();
check(page.url().includes('scope=' + district.code) && en.includes('Corrections') && /on time|late/.test(en), 'English keeps the filter');
const enValue = (await api(`{ corrections(campaign: "${C}", first: 1) { edges { node { valueText(lang: EN) } } } }`)).corrections.edges[0].node.valueText;
await page.goto(`${base}/corrections.html?campaign=${C}&lang=en`);
await page.waitForSelector('#rows tr[data-unit]');
await idle();
check((await page.locator('#rows tr[data-unit]').first().innerText()).includes(enValue), `English numbers (${enValue})`);

// A bad day is the API's error, in place.
await page.goto(`${base}/corrections.html?campaign=${C}&from=2030-01-01`);
await idle();
check(!(await page.locator('#error').isHidden()), 'a day outside the campaign shows the API\'s error');

await page.setViewportSize({ width: 360, height: 740 });
await page.goto(`${base}/corrections.html?campaign=${C}`);
await page.waitForSelector('#rows tr[data-unit]');
await idle();
const wide = await page.evaluate(() => document.documentElement.scrollWidth);
check(wide <= 360, `at 360 px the page is ${wide} px wide`);
await finish();
