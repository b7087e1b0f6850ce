// Issue 11 against the demo: what a figure says (the projection sentence of
// a completed unit, in Vietnamese and English; the outcome, not a risk,
// once a campaign is over), the demo banner and the trust footer (licence,
// how to cite, corrections) on every page, and rates that never round onto
// a threshold they have not reached.
import { base, api, check, open } from './lib.mjs';

const { page, idle, finish } = await open();
const C = 'ben-tre-cong-dan-so';
const at = (file, params) => `${base}/${file}?campaign=${C}&${params}`;
const text = async (sel) => (await page.locator(sel).innerText()).replace(/\s+/g, ' ');

// Huyện Châu Thành (831) had collected 101,2% of its quota on 14/11/2023.
const ct = (await api(`{ progress(campaign: "${C}", unitCode: "831", metric: "collected", to: "2023-11-14", first: 100) {
  edges { node { date figure quota rateText } } } }`)).progress.edges.map((e) => e.node);
const day = ct[ct.length - 1];
check(day.date === '2023-11-14' && day.figure >= day.quota && day.rateText === '101,2%', `Châu Thành on 14/11: ${day.figure}/${day.quota}, ${day.rateText}`);
let first = ct.length - 1;
while (first > 0 && ct[first - 1].figure != null && ct[first - 1].figure >= ct[first - 1].quota) first--;
const [y, m, d] = ct[first].date.split('-');
const sinceVI = `${d}/${m}/${y}`;
const sinceEN = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(+y, m - 1, +d));

for (const [file, wait] of [['unit.html', '#metrics li'], ['', '#metrics li']]) {
  const name = file || 'home';
  const params = file ? 'unit=831&metric=collected&date=2023-11-14' : 'scope=831&metric=collected&date=2023-11-14';
  await page.goto(at(file, params));
  await page.waitForSelector(wait);
  await idle();
  await page.waitForFunction(() => document.querySelector('#chart-summary').textContent.length > 0);
  const vi = await text('#chart-summary');
  check(vi.includes(`Đã đạt chỉ tiêu từ ngày ${sinceVI}.`) && !vi.includes('chưa đạt chỉ tiêu'), `${name}, vi: a completed unit has reached its quota: “${vi}”`);
  await page.goto(at(file, params) + '&lang=en');
  await page.waitForSelector(wait);
  await idle();
  await page.waitForFunction(() => document.querySelector('#chart-summary').textContent.length > 0);
  const en = await text('#chart-summary');
  check(en.includes(`The quota has been reached since ${sinceEN}.`) && !en.includes('would not be reached'), `${name}, en: “${en}”`);
}

// The campaign's last day, once it is over: outcomes, never "at risk".
const last = (await api(`{ campaign(slug: "${C}") { endDate status } }`)).campaign;
check(last.status === 'ENDED', `the campaign has ended (${last.endDate})`);
const seen = new Set();
for (const metric of ['activated', 'collected']) {
  const rows = (await api(`{ ranking(campaign: "${C}", metric: "${metric}", date: "${last.endDate}", level: DISTRICT) {
    edges { node { unit { code } atRisk outcome rateText } } } }`)).ranking.edges.map((e) => e.node);
  check(rows.length > 0 && rows.every((r) => !r.atRisk && r.outcome), `the API, ${metric}: ${rows.length} districts, each with an outcome, none at risk`);
  await page.goto(`${base}/rankings.html?campaign=${C}&metric=${metric}&date=${last.endDate}&level=DISTRICT`);
  await page.waitForSelector('#rows tr');
  await idle();
  const marks = await page.locator('#rows tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th a').getAttribute('href').match(/unit=(\d+)/)[1],
    tr.querySelector('[data-outcome]')?.dataset.outcome || '', tr.textContent]));
  const want = new Map(rows.map((r) => [r.unit.code, r.outcome]));
  check(marks.length === rows.length && marks.every(([code, o]) => want.get(code) === o), `rankings, ${metric}: every row's mark is the API's outcome`);
  check(marks.every(([, , t]) => !t.includes('nguy cơ')), `rankings, ${metric}: no row says at risk after the end`);
  rows.forEach((r) => seen.add(r.outcome));
}
check(seen.has('COMPLETED') && seen.has('NOT_COMPLETED'), 'both outcomes are shown');
await page.goto(at('unit.html', `unit=83&metric=activated&date=${last.endDate}`));
await page.waitForSelector('#children-rows tr');
await idle();
const unitText = await text('main');
check(!unitText.includes('nguy cơ') && (await page.locator('#children-rows [data-outcome]').count()) === (await page.locator('#children-rows tr').count()),
  'unit page: the districts carry outcomes, none is at risk');
check((await text('#chart-summary')).includes('Chiến dịch đã kết thúc:'), `unit page: the summary states the outcome: “${await text('#chart-summary')}”`);
await page.goto(`${base}/?campaign=${C}&metric=activated&date=${last.endDate}`);
await page.waitForSelector('#rows tr');
await idle();
check((await page.locator('#rows [data-outcome]').count()) === (await page.locator('#rows tr').count()) && !(await text('#rows')).includes('nguy cơ'), 'home: outcomes, no risk');

// The demo banner and the trust footer, on every page, in both languages.
const ds = (await api('{ dataset { demo licence licenceUrl } }')).dataset;
check(ds.demo && ds.licence === 'CC BY 4.0', 'the API says it runs on demo data, under CC BY 4.0');
for (const file of ['', 'rankings.html', 'unit.html', 'campaigns.html', 'data.html', 'method.html']) {
  for (const lang of ['vi', 'en']) {
    await page.goto(`${base}/${file}${lang === 'en' ? '?lang=en' : ''}`);
    await page.waitForSelector('#demo-banner:not([hidden])');
    await idle();
    await page.waitForFunction(() => document.querySelector('#cite') && document.querySelector('#cite').textContent.includes(document.title));
    const banner = await text('#demo-banner');
    const foot = await text('#trust');
    const href = await page.locator('#trust a[rel="license"]').getAttribute('href');
    const ok = (lang === 'vi' ? banner.startsWith('Dữ liệu minh hoạ') && foot.includes('Trích dẫn: Tiến Độ') && foot.includes('truy cập ngày')
      : banner.startsWith('Demo data') && foot.includes('Cite as: Tiến Độ') && foot.includes('retrieved')) && foot.includes(page.url()) && href === ds.licenceUrl;
    check(ok && (await page.locator('#demo-banner').isVisible()), `${file || 'home'} (${lang}): banner, licence, citation with the page's link`);
  }
}
const bulletin = await (await fetch(`${base}/bulletins/${C}/2023-11-14`)).text();
check(bulletin.includes('Dữ liệu minh hoạ') && bulletin.includes('rel="license"') && bulletin.includes('Trích dẫn:'), 'the bulletin page: banner, licence, citation');
const csv = await fetch(`${base}/downloads/${C}/2023-11-14.csv`);
check((csv.headers.get('link') || '').includes('rel="license"'), `the CSV names its licence: ${csv.headers.get('link')}`);
// The JSON is the exact bytes whose SHA-256 is published: it carries its
// licence and the demo flag; its permalink (for citing) is in its Link header.
const jsonRes = await fetch(`${base}/downloads/${C}/2023-11-14.json`);
const jsonLink = jsonRes.headers.get('link') || '';
const json = await jsonRes.json();
check(json.licence === 'CC BY 4.0' && json.demo === true && jsonLink.includes('rel="license"') && jsonLink.includes('rel="canonical"'),
  `the JSON carries licence and demo, its Link header the licence and its permalink: ${jsonLink}`);

// Rates never round onto an unreached threshold, in the portal's own formatting too.
const fr = await page.evaluate(async () => {
  const { fmtRate } = await import('./i18n.js');
  const bands = [{ min: 1 }, { min: 0.7 }, { min: 0.4 }, { min: 0 }];
  return [fmtRate(0.999995, 'vi'), fmtRate(0.69996, 'vi', bands), fmtRate(0.69996, 'en'), fmtRate(1, 'vi'), fmtRate(0.8833, 'en')];
});
check(fr.join(' ') === '99,99% 69,99% 70% 100% 88.33%', `fmtRate: ${fr.join(' ')}`);
await finish();
