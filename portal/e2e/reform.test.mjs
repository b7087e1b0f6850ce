// The 2025 reform in the portal: Bến Tre's 2023 campaign read on today's
// map (the switch "bản đồ năm 2023 / bản đồ hiện nay", the new communes
// summed from the old ones, as the API's), a search for the old name that
// offers the old unit and the new one, and the unit pages' links both ways.
import { base, api, check, open } from './lib.mjs';

const { page, idle, finish } = await open();
const C = 'ben-tre-cong-dan-so';
const Q = `query($after: String) { ranking(campaign: "${C}", metric: "activated", date: "2023-11-14", level: COMMUNE, map: CURRENT, first: 100, after: $after) {
  totalCount scopeName pageInfo { hasNextPage endCursor } edges { node { rank comparable unit { code fullName } figureText rateText } } } }`;
const rows = [];
let after = null, scopeName = '';
for (;;) {
  const r = (await api(Q, { after })).ranking;
  rows.push(...r.edges.map((e) => e.node));
  scopeName = r.scopeName;
  if (!r.pageInfo.hasNextPage) break;
  after = r.pageInfo.endCursor;
}
check(scopeName === 'tỉnh Bến Tre (cũ), nay thuộc tỉnh Vĩnh Long', `the API names the scope: ${scopeName}`);

// The campaign's own map first, then the switch to today's.
await page.goto(`${base}/rankings.html?campaign=${C}&metric=activated&date=2023-11-14&level=COMMUNE`);
await page.waitForSelector('#rows tr');
await idle();
const maps = await page.locator('#maps').innerText();
check(maps.includes('bản đồ năm 2023') && maps.includes('bản đồ hiện nay'), `the map switch: ${maps}`);
await page.locator('#maps a[data-map="current"]').click();
await idle();
check(page.url().includes('map=current'), 'today\'s map is in the URL');
const heading = await page.locator('#h-table').innerText();
check(heading.includes(scopeName), `the heading names the scope as the API: ${heading}`);
const trs = await page.locator('#rows tr').allInnerTexts();
check(trs.length === rows.length, `${rows.length} new communes shown (${trs.length})`);
rows.forEach((r, i) => {
  const t = trs[i] || '';
  const ok = r.comparable
    ? t.startsWith(String(r.rank)) && t.includes(r.unit.fullName) && t.includes(r.figureText) && t.includes(r.rateText)
    : t.includes(r.unit.fullName) && t.includes('không so sánh được');
  check(ok, `row ${i + 1}: ${r.rank ?? '—'} ${r.unit.fullName} ${r.figureText ?? 'not comparable'}`);
});
check(!(await page.locator('#level option[value="DISTRICT"]').count()), 'today\'s map has no district level');
await page.goBack();
await idle();
check(!page.url().includes('map=current') && (await page.locator('#maps strong').innerText()).includes('2023'), 'back returns to the map of 2023');

// A search for the old name offers the old unit and the new one.
await page.fill('#q', 'Bến Tre');
await page.waitForSelector('#former a[data-former="83"]');
const former = await page.locator('#former').innerText();
check(former.includes('Tỉnh Bến Tre') && former.includes('Tỉnh Vĩnh Long'), `search "Bến Tre": ${former}`);
const toNew = await page.locator('#former a[data-successor="86"]').getAttribute('href');
check(toNew.includes('map=current') && toNew.includes('scope=86'), `the new unit links to today's map (${toNew})`);

// The unit pages: Bến Tre says what it became; in the drive across the
// reform, new Vĩnh Long says what it was formed from, with links back.
await page.goto(`${base}/unit.html?campaign=${C}&unit=83`);
await page.waitForSelector('#reform a');
await idle();
check((await page.locator('#reform').innerText()).startsWith('Nay thuộc Tỉnh Vĩnh Long'), 'Bến Tre: nay thuộc Tỉnh Vĩnh Long');
await page.goto(`${base}/unit.html?campaign=vinh-long-he-2025&unit=86&date=2025-07-10`);
await page.waitForSelector('#reform a');
await idle();
const formed = await page.locator('#reform').innerText();
check(formed.includes('Hình thành từ Tỉnh Bến Tre, Tỉnh Trà Vinh, Tỉnh Vĩnh Long'), `new Vĩnh Long: ${formed}`);
await page.locator('#reform a[data-reform="83"]').click();
await page.waitForURL(/unit=83/);
await page.waitForSelector('#reform a');
await idle();
const back = await page.locator('#reform').innerText();
check(back.includes('Nay thuộc Tỉnh Vĩnh Long') && page.url().includes('date=2025-06-30'), `and back to Bến Tre on its last day: ${back} (${page.url()})`);
await page.goto(`${base}/unit.html?campaign=vinh-long-he-2025&unit=86&date=2025-07-10&lang=en`);
await page.waitForSelector('#reform a');
await idle();
check((await page.locator('#reform').innerText()).startsWith('Formed from'), 'English: Formed from …');
await finish();
