// A milestone's page (Hải Phòng, 20/6/2023, seed 003): the ranking frozen by
// the server's publisher, its hash and rules version, in both languages; then
// a correction of the milestone day after the freeze: the frozen ranking stays
// as it was, the current figures beside it differ, marked and linked to the
// corrections page. Reached from the campaign page's milestones.
import { base, api, check, open, fail, shots, settled } from './lib.mjs';
import { join } from 'node:path';

const C = 'hai-phong-cao-diem';
const D = '2023-06-20';
const Q = `query($l: UnitKind!, $s: String) { milestoneRanking(campaign: "${C}", date: "${D}", metric: "activated", level: $l, scopeCode: $s, first: 100) {
  frozen sha256 changedCount rulesVersion { version } edges { node { rank unit { code fullName } figure figureText rateText changes current { figure figureText } } } } }`;

// The publisher freezes the demo's milestones as the server starts.
let frozen;
for (let i = 0; i < 120; i++) {
  frozen = (await api(Q, { l: 'DISTRICT' })).milestoneRanking;
  if (frozen.frozen) break;
  await new Promise((r) => setTimeout(r, 500));
}
if (!frozen.frozen) fail('the milestone of 20/6 was not frozen by the publisher');

const { page, idle, finish } = await open();
// From the campaign page's milestones.
await page.goto(`${base}/campaigns.html?campaign=${C}`);
await page.waitForSelector('#milestones a');
await page.locator('#milestones a', { hasText: '20/06/2023' }).click();
await page.waitForSelector('#milestone-table');
await idle();
check(page.url().includes(`date=${D}`), 'a milestone of the campaign page opens its ranking');
// Ranked by activation (the first metric, collection, is shown first).
await page.selectOption('#metric', 'activated');
await page.locator('#controls button').click();
await page.waitForFunction(() => location.search.includes('metric=activated'));
await page.waitForFunction(() => document.querySelector('#metric').value === 'activated' && document.querySelector('main').getAttribute('aria-busy') !== 'true');
const text = await page.locator('main').innerText();
check(text.includes('Xếp hạng tại mốc 20/06/2023') && text.includes('Đã chốt lúc'), 'the page says the ranking is frozen, and when');
check(text.includes(frozen.sha256) && text.includes('phiên bản 1'), 'its SHA-256 and its rules version');
const rows = await page.locator('#rows tr').count();
check(rows === frozen.edges.length, `${rows} districts, as the API's ${frozen.edges.length}`);
const first = frozen.edges[0].node;
const row1 = await page.locator('#rows tr').first().innerText();
check(row1.includes(first.unit.fullName) && row1.includes(first.figureText) && row1.includes(first.rateText), `the first row is the API's: ${first.unit.fullName} ${first.figureText} ${first.rateText}`);
check((await page.locator('#rows mark').count()) === 0 && (await page.locator('#changed-count').innerText()).includes('giống hệt'), 'before any correction, nothing is marked');
const csv = await page.locator('#csv').getAttribute('href');
const js = await page.locator('#json').getAttribute('href');
const body = await fetch(new URL(js, page.url())).then((r) => r.arrayBuffer());
const hash = Buffer.from(await crypto.subtle.digest('SHA-256', body)).toString('hex');
check(hash === frozen.sha256, 'the JSON download is the record: its SHA-256 is the one shown');
check((await fetch(new URL(csv, page.url()))).ok, 'the CSV download answers');

// A late correction of a commune of district 303 for the milestone day.
const communes = (await api(Q, { l: 'COMMUNE', s: '303' })).milestoneRanking.edges.map((e) => e.node);
const commune = communes.find((n) => n.figure != null);
const res = await fetch(base + '/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.E2E_ADMIN_TOKEN },
  body: JSON.stringify({
    query: 'mutation($in: CorrectReportInput!) { correctReport(input: $in) { written } }',
    variables: { in: { campaign: C, unitCode: commune.unit.code, metric: 'activated', date: D, value: commune.figure + 1000, reason: 'Bổ sung tài khoản kích hoạt báo cáo muộn' } },
  }),
}).then((r) => r.json());
check(!res.errors && res.data.correctReport.written === 1, `a correction of ${commune.unit.code} on 20/6 is stored${res.errors ? ': ' + JSON.stringify(res.errors) : ''}`);
await settled();

const after = (await api(Q, { l: 'DISTRICT' })).milestoneRanking;
check(after.sha256 === frozen.sha256 && JSON.stringify(after.edges.map((e) => [e.node.unit.code, e.node.figure, e.node.rank])) ===
  JSON.stringify(frozen.edges.map((e) => [e.node.unit.code, e.node.figure, e.node.rank])), 'the frozen ranking is unchanged by the correction');
await page.reload();
await page.waitForSelector('#milestone-table');
await idle();
const changed = page.locator('#rows tr[data-unit="303"]');
const d303 = after.edges.find((e) => e.node.unit.code === '303').node;
const t303 = await changed.innerText();
check(t303.includes(d303.figureText) && t303.includes(d303.current.figureText) && d303.figure + 1000 === d303.current.figure,
  `district 303: frozen ${d303.figureText} beside the current ${d303.current.figureText}`);
check((await changed.locator('mark').count()) >= 2, 'its changed figure and rate are marked');
const link = await changed.locator('a.correction-link').getAttribute('href');
check(link.startsWith('corrections.html?') && link.includes(`campaign=${C}`) && link.includes('unit=303') && link.includes(`date=${D}`),
  `it links the corrections page: ${link}`);
check((await page.locator('#changed-count').innerText()).includes('khác'), 'the page says how many units differ');
await changed.scrollIntoViewIfNeeded();
await page.screenshot({ path: join(shots, 'milestone.png'), fullPage: false });

// English, kept by the language switch.
await page.locator('#lang-switch').click();
await page.waitForFunction(() => document.documentElement.lang === 'en');
await page.waitForSelector('#milestone-table');
await idle();
const en = await page.locator('main').innerText();
check(en.includes('Ranking at the Jun 20, 2023 milestone') && en.includes('Frozen at') && en.includes('version 1'), 'English: the title, the freeze and the rules version');
check(en.includes(d303.current.figureText.replace(/\./g, ',')) && en.includes('See the corrections'), 'English numbers and the corrections link');
check((await page.locator('#rows tr[data-unit="303"] a.correction-link').getAttribute('href')).includes('lang=en'), 'the corrections link keeps English');
// Another level, in the URL.
await page.selectOption('#level', 'COMMUNE');
await page.locator('#controls button').click();
await page.waitForFunction(() => location.search.includes('level=COMMUNE'));
await idle();
check((await page.locator('#rows tr').count()) > 100, 'the communes of the city, every page');
await page.goBack();
await idle();
check(!page.url().includes('level=COMMUNE') && (await page.locator('#rows tr').count()) === rows, 'back returns to the districts');
await finish();
