// The static copy (server publish --out) standing alone: on a plain static
// host under a sub-path, with its API unreachable (every request to it is
// refused), every page shows the published figures of its data/ files
// (publish/static_data.go), in Vietnamese and English, says it is a static
// copy, and fits a 360-pixel screen.
//   node standalone.check.mjs STATIC_BASE [API_BASE]   e.g. http://127.0.0.1:9000/tiendo/ http://127.0.0.1:8080/
import { chromium } from 'playwright-core';

const [site, apiBase] = process.argv.slice(2);
if (!site || !site.endsWith('/')) throw new Error('usage: node standalone.check.mjs STATIC_BASE/ [API_BASE/]');
let failures = 0;
const check = (cond, msg) => { if (!cond) failures++; console.log(cond ? 'ok  ' : 'FAIL', msg); };
const data = async (p) => (await fetch(site + 'data/' + p)).json();
// 822139 → 822.139 (vi) or 822,139 (en), as the pages write figures.
const fmt = (n, lang) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'en' ? ',' : '.');

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const context = await browser.newContext({ viewport: { width: 1000, height: 820 }, locale: 'vi-VN' });
// The API is unreachable: a connection refused, as from a host without it.
let asked = 0;
await context.route(/\/graphql(\?|$)/, (r) => { asked++; return r.abort('connectionrefused'); });
const page = await context.newPage();
const errors = [], foreign = [];
const origin = new URL(site).origin;
page.on('request', (r) => { const u = r.url(); if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:') && !/\/graphql(\?|$)/.test(u)) foreign.push(u); });
page.on('console', (m) => { if (m.type() === 'error' && !/ERR_CONNECTION_REFUSED|ERR_FAILED/.test(m.text())) errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));
page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
const idle = () => page.waitForFunction(() => document.querySelector('main') && document.querySelector('main').getAttribute('aria-busy') !== 'true');
const text = (sel = 'main') => page.locator(sel).innerText();
async function visit(p) {
  await page.goto(site + p);
  await idle();
  await page.waitForSelector('#static-note');
  return text();
}

const C = 'ben-tre-cong-dan-so';
const D = '2023-11-14';
const index = await data('index.json');
const bt = index.campaigns.find((c) => c.slug === C);
check(bt && bt.days.includes(D) && index.campaigns.length >= 5, `data/index.json lists ${index.campaigns.length} campaigns and Bến Tre's ${bt.days.length} published days`);
const province = await data(`${C}/${D}/PROVINCE.json`);
const row = (file, metric, code) => file.metrics[metric].find((r) => r[0] === code);
const bulletins = await data(`${C}/bulletins.json`);

// Home, in both languages: the province's figures of the day and its bulletin.
for (const lang of ['vi', 'en']) {
  const t = await visit(`?campaign=${C}&date=${D}&metric=activated${lang === 'en' ? '&lang=en' : ''}`);
  await page.waitForSelector('#rows tr');
  const cards = await text('#metrics');
  const want = bt.metrics.map((m) => row(province, m.key, '83'));
  check(want.every((r) => cards.includes(`${fmt(r[1], lang)} / ${fmt(r[2], lang)}`)), `home (${lang}): the province's figures of ${D} as published (${want.map((r) => fmt(r[1], lang)).join(', ')})`);
  check(t.includes(lang === 'en' ? 'Static copy: the figures as published on' : 'Bản sao tĩnh: số liệu công bố ngày'), `home (${lang}) says it is the static copy`);
  const lead = bulletins[lang].find((b) => b.date === D).lead;
  check((await text('#bulletin-lead')) === lead, `home (${lang}): the bulletin of ${D}: ${lead.slice(0, 60)}…`);
}
const askedFirst = asked; // by the first page (its parallel queries), before it is known unreachable

// Rankings: every level and metric of the day, row for row.
for (const level of ['DISTRICT', 'COMMUNE']) {
  const file = await data(`${C}/${D}/${level}.json`);
  for (const m of bt.metrics) {
    await visit(`rankings.html?campaign=${C}&date=${D}&metric=${m.key}&level=${level}`);
    await page.waitForSelector('#rows tr');
    const rows = file.metrics[m.key];
    const shown = await page.locator('#rows tr').allInnerTexts();
    check(shown.length === Math.min(rows.length, 50) && shown.every((t, i) => t.includes(fmt(rows[i][1], 'vi'))) && (await text()).includes(`${rows.length} đơn vị`),
      `rankings ${level} ${m.key}: ${rows.length} units, each row's figure as published (the first ${fmt(rows[0][1], 'vi')})`);
  }
}
await visit(`rankings.html?campaign=${C}&date=${D}&metric=activated&level=DISTRICT&lang=en`);
await page.waitForSelector('#rows tr');
const d1 = (await data(`${C}/${D}/DISTRICT.json`)).metrics.activated[0];
check((await page.locator('#rows tr').first().innerText()).includes(fmt(d1[1], 'en')), `rankings (en): ${fmt(d1[1], 'en')}`);

// A unit's page, both languages.
const district = row(await data(`${C}/${D}/DISTRICT.json`), 'collected', '831');
for (const lang of ['vi', 'en']) {
  await visit(`unit.html?campaign=${C}&unit=831&date=${D}&lang=${lang}`);
  await page.waitForSelector('#cards .card, #metrics .metric, .card', { timeout: 10000 }).catch(() => {});
  check((await text()).includes(`${fmt(district[1], lang)} / ${fmt(district[2], lang)}`), `unit 831 (${lang}): ${fmt(district[1], lang)} / ${fmt(district[2], lang)}`);
}

// A commune's quota history, and the campaign's count of quotas in force.
const quotas = await data(`${C}/quotas.json`);
await visit(`unit.html?campaign=${C}&unit=28855&date=${D}`);
await page.waitForTimeout(500);
const q = quotas['28855'];
check(q.length > 0 && (await text()).includes(q[0][3]) && (await text()).includes(fmt(q[0][1], 'vi')), `unit 28855: its quota history (${fmt(q[0][1], 'vi')}, ${q[0][3].slice(0, 30)}…)`);

// Campaigns: the list and one campaign.
const list = await visit('campaigns.html');
check(index.campaigns.every((c) => list.includes(c.name)), 'campaigns: the list names every campaign');
await visit(`campaigns.html?campaign=${C}&lang=en`);
await page.waitForSelector('#metrics-table');
const inForce = Object.values(quotas).reduce((n, rows) => n + new Set(rows.map((r) => r[0])).size, 0);
check((await text()).includes(bt.legalRef) && (await text()).includes(`${inForce} quotas in force`), `campaigns (en): one campaign in full, ${inForce} quotas in force`);

// The Data page's copy-paste addresses keep the base path; the embeds work.
const dataText = await visit('data.html?lang=en');
check(dataText.includes(`${site}feeds/bulletins.atom`) && !dataText.includes(`${origin}/feeds/`), 'the Data page\'s addresses keep the base path');
await visit(`embed-chart.html?campaign=${C}&unit=831&lang=en`);
check((await text()).includes(fmt(row(await data(`${C}/${bt.days.at(-1)}/DISTRICT.json`), 'collected', '831')[1], 'en')), 'the embeddable chart (en) draws the published series');
await page.goto(`${site}embed/${C}/83/index.en.html`);
check((await page.locator('.card').innerText()).includes('As of'), 'the embed card of the copy');

// Given the API's address (node reaches it; the browser may not), the
// copy's answers equal the API's for what the files derive: ranks and rank
// changes counted inside a smaller scope, a series.
if (apiBase) {
  await visit('campaigns.html');
  for (const q of [
    `{ ranking(campaign: "${C}", metric: "activated", date: "2023-10-21", level: COMMUNE, scopeCode: "831", first: 100) { edges { node { rank rankChange unit { code } figure rate } } } }`,
    `{ progress(campaign: "${C}", unitCode: "28855", metric: "collected", from: "2023-10-02", to: "${D}", first: 100) { edges { node { date figure quota rate } } } }`,
  ]) {
    const mine = await page.evaluate(async (q) => (await (await import('./static-api.js')).staticAnswer(q, {}, Error)), q);
    const live = (await (await fetch(new URL('graphql', apiBase), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) })).json()).data;
    // The copy answers every field a page reads; the fields asked are compared.
    const like = (v, w) => (w && typeof w === 'object' && v && typeof v === 'object' ? Object.keys(w).map((k) => like(v[k], w[k])) : v);
    const [a, b] = [Object.values(mine)[0].edges, Object.values(live)[0].edges];
    check(a.length === b.length && a.every((e, i) => JSON.stringify(like(e.node, b[i].node)) === JSON.stringify(like(b[i].node, b[i].node))),
      `the copy answers as the API (${b.length} rows): ${q.slice(2, 60)}…`);
  }
}

// Nothing wider than a 360-pixel screen.
await page.setViewportSize({ width: 360, height: 740 });
for (const p of [`?campaign=${C}`, `rankings.html?campaign=${C}&level=COMMUNE`, `unit.html?campaign=${C}&unit=831`, 'campaigns.html', `campaigns.html?campaign=${C}`, 'data.html', `?campaign=${C}&lang=en`]) {
  await visit(p);
  await page.waitForTimeout(300);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 360, `${p} fits 360 px (${wide})`);
}
check(asked === askedFirst, `the unreachable API is asked on the first page only (${askedFirst} requests), then the copy answers for the rest of the visit (${asked})`);
check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
check(foreign.length === 0, `no request leaves the copy${foreign.length ? ': ' + foreign.join(', ') : ''}`);
await browser.close();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
