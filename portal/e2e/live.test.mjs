// The rankings page while the figures change (issue 14, item 5): it follows
// its campaign's Server-Sent Events, and when a correction changes the
// campaign's figures it says "Đang cập nhật…" in a polite live region and
// shows the new figures, without polling; a hidden page closes its stream.
// Uses Kon Tum's campaign, which no other test reads figure by figure.
//   node live.test.mjs BASE_URL   (E2E_ADMIN_TOKEN: an admin token)
import { api, base, check, open } from './lib.mjs';

const C = 'kon-tum-15-ngay';
const D = '2023-12-30';
const fmt = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
const { page, idle, finish } = await open();
const streams = [];
const reads = [];
page.on('request', (r) => {
  if (/\/events\?/.test(r.url())) streams.push(r);
  if (/\/graphql(\?|$)/.test(r.url())) reads.push(r.url());
});
await page.goto(`${base}/rankings.html?campaign=${C}&metric=activated&date=${D}&level=COMMUNE`);
await idle();
await page.waitForSelector('#rows tr');
check(streams.length === 1 && new URL(streams[0].url()).searchParams.get('campaign') === C, `the page follows /events?campaign=${C}`);
// Everything the live region says, as it says it.
await page.evaluate(() => {
  window.said = [];
  new MutationObserver(() => window.said.push(document.getElementById('updating').textContent)).observe(document.getElementById('updating'), { childList: true, characterData: true, subtree: true });
});
const live = await page.locator('#updating').evaluate((e) => [e.getAttribute('role'), e.getAttribute('aria-live')].join(' '));
check(live === 'status polite', `the updating line is a polite live region (${live})`);

// Nothing changes, nothing is read: no polling.
const idleReads = reads.length;
await page.waitForTimeout(3000);
check(reads.length === idleReads, `with no change, no read in 3 s (${reads.length - idleReads})`);

// A commune's own report of the last day, corrected upwards by an admin.
const top = (await api(`{ ranking(campaign: "${C}", metric: "activated", date: "${D}", level: COMMUNE, first: 100) { edges { node { unit { code } figure source } } } }`)).ranking.edges.map((e) => e.node);
const unit = top.find((r) => r.source === 'REPORTED' && r.figure > 0);
const value = unit.figure + 737;
const readsBefore = reads.length;
const res = await fetch(base + '/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.E2E_ADMIN_TOKEN },
  body: JSON.stringify({
    query: 'mutation($in: CorrectReportInput!) { correctReport(input: $in) { written } }',
    variables: { in: { campaign: C, unitCode: unit.unit.code, metric: 'activated', date: D, value, reason: 'Kiểm tra cập nhật trực tiếp' } },
  }),
}).then((r) => r.json());
check(!res.errors && res.data.correctReport.written === 1, `a correction of ${unit.unit.code} on ${D} (${fmt(unit.figure)} → ${fmt(value)})${res.errors ? ': ' + JSON.stringify(res.errors) : ''}`);
const row = page.locator(`#rows tr[data-unit="${unit.unit.code}"] td.num`).nth(1);
await page.waitForFunction(([code, want]) => {
  const tr = document.querySelector(`#rows tr[data-unit="${code}"]`);
  return tr && tr.querySelectorAll('td.num')[1].textContent === want;
}, [unit.unit.code, fmt(value)], { timeout: 20000 }).catch(() => {});
check((await row.innerText()) === fmt(value), `the page shows the new figure by itself: ${await row.innerText()}`);
await idle();
const said = await page.evaluate(() => window.said);
check(said.includes('Đang cập nhật…') && said[said.length - 1] === '', `while reading again it said "Đang cập nhật…", then nothing (${JSON.stringify(said)})`);
check(reads.length > readsBefore, `it read the figures again (${reads.length - readsBefore} reads)`);

// Hidden, the page closes its stream; shown again, it opens one.
const ended = new Promise((resolve) => page.on('requestfailed', (r) => { if (r === streams[0]) resolve(true); }));
await page.evaluate(() => {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
});
check(await Promise.race([ended, new Promise((r) => setTimeout(() => r(false), 5000))]), 'hidden, the page closes its event stream');
await page.evaluate(() => {
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
});
await page.waitForTimeout(500);
check(streams.length === 2, `shown again, it follows again (${streams.length} streams)`);
await idle();

// In English, the words are English.
await page.goto(`${base}/rankings.html?campaign=${C}&metric=activated&date=${D}&level=COMMUNE&lang=en`);
await idle();
await page.evaluate(() => {
  window.said = [];
  new MutationObserver(() => window.said.push(document.getElementById('updating').textContent)).observe(document.getElementById('updating'), { childList: true, characterData: true, subtree: true });
});
const fixed = await fetch(base + '/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.E2E_ADMIN_TOKEN },
  body: JSON.stringify({
    query: 'mutation($in: CorrectReportInput!) { correctReport(input: $in) { written } }',
    variables: { in: { campaign: C, unitCode: unit.unit.code, metric: 'activated', date: D, value: value + 1, reason: 'Live update check, in English' } },
  }),
}).then((r) => r.json());
const en = String(value + 1).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const shown = await page.waitForFunction(([code, want]) => {
  const tr = document.querySelector(`#rows tr[data-unit="${code}"]`);
  return tr && tr.querySelectorAll('td.num')[1].textContent === want;
}, [unit.unit.code, en], { timeout: 20000 }).then(() => true, () => false);
const saidEn = await page.evaluate(() => window.said);
check(!fixed.errors && shown && saidEn.includes('Updating…'), `in English it says "Updating…" and shows ${en} (${JSON.stringify(saidEn)})`);
await idle();
await finish();
