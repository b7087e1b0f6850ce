// Rules versions (Khánh Hòa): an admin raises the band thresholds from
// 20/6/2023. A day before keeps the band it had (version 1), a day after is
// banded by version 2, and the unit page shows the band the API gives each
// day, not one recomputed from the latest thresholds; the campaign page
// lists both versions.
import { base, api, check, open, settled } from './lib.mjs';

const C = 'khanh-hoa-30-6';
const FROM = '2023-06-20';
const day = (d) => api(`query($d: Date!) { campaign(slug: "${C}") { metrics { key } }
  p: progress(campaign: "${C}", unitCode: "56", metric: "issued", from: $d, to: $d) { edges { node { band rulesVersion rateText } } } }`, { d })
  .then((r) => r.p.edges[0].node);

// A day before the change whose band is not the lowest (else nothing could tell).
let before = null;
for (const d of ['2023-06-19', '2023-06-18', '2023-06-15', '2023-06-12']) {
  const p = await day(d);
  if (p.band && p.band !== 'CHAM') { before = { d, ...p }; break; }
}
check(before !== null, `a day before ${FROM} banded above CHẬM: ${before && before.d} ${before && before.band} (${before && before.rateText})`);

const res = await fetch(base + '/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.E2E_ADMIN_TOKEN },
  body: JSON.stringify({
    query: `mutation($b: [BandInput!]) { updateCampaign(slug: "${C}", input: { bands: $b, effectiveFrom: "${FROM}" }) { rulesVersions { version effectiveFrom } } }`,
    variables: { b: [['HOAN_THANH', 1, 'Hoàn thành', 'Completed'], ['KHA', 0.995, 'Khá', 'Good'], ['TRUNG_BINH', 0.99, 'Trung bình', 'Average'], ['CHAM', 0, 'Chậm', 'Slow']]
      .map(([key, min, labelVi, labelEn]) => ({ key, min, labelVi, labelEn })) },
  }),
}).then((r) => r.json());
check(!res.errors && res.data.updateCampaign.rulesVersions.length === 2, `the band change is version 2 from ${FROM}${res.errors ? ': ' + JSON.stringify(res.errors) : ''}`);
await settled();

const still = await day(before.d);
const after = await day('2023-06-25');
check(still.band === before.band && still.rulesVersion === 1, `${before.d} keeps ${before.band} by version 1 (API: ${still.band}, v${still.rulesVersion})`);
check(after.rulesVersion === 2, `25/6 is banded by version 2 (${after.band}, ${after.rateText})`);

const { page, idle, finish } = await open();
const labels = { HOAN_THANH: 'Hoàn thành', KHA: 'Khá', TRUNG_BINH: 'Trung bình', CHAM: 'Chậm' };
const card = async (d) => {
  await page.goto(`${base}/unit.html?campaign=${C}&unit=56&metric=issued&date=${d}`);
  await page.waitForSelector('#metrics li');
  await idle();
  return page.locator('#metrics li.selected').innerText();
};
const b = await card(before.d);
check(b.includes(labels[before.band]) && !b.includes(labels.CHAM), `the unit page of ${before.d} shows ${labels[before.band]}, the band of its day`);
const a = await card('2023-06-25');
check(a.includes(labels[after.band]), `the unit page of 25/6 shows ${labels[after.band]}`);
await page.goto(`${base}/campaigns.html?campaign=${C}`);
await page.waitForSelector('#rules-versions');
const rv = await page.locator('#rules-versions').innerText();
check(rv.includes('phiên bản 1') && rv.includes('phiên bản 2 từ 20/06/2023'), `the campaign page lists the versions: ${rv}`);
await finish();
