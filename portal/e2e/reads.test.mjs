// The portal reads the API by GET (issue 14, item 2): every query of a page
// is a GET naming its document by SHA-256 (persisted queries), never a POST;
// the server knows the rankings page's documents from its start, so none is
// sent in full; and a reload revalidates the answers (If-None-Match → 304).
//   node reads.test.mjs BASE_URL
import { base, check, open } from './lib.mjs';

const { page, idle, finish } = await open();
const reads = [];
page.on('request', (r) => { if (/\/graphql(\?|$)/.test(r.url())) reads.push(r); });
const url = `${base}/rankings.html?campaign=ben-tre-cong-dan-so&metric=activated&date=2023-11-14&level=DISTRICT`;
await page.goto(url);
await idle();
await page.waitForSelector('#rows tr');
check(reads.length > 0 && reads.every((r) => r.method() === 'GET'), `the rankings page's ${reads.length} reads are GETs`);
const params = reads.map((r) => new URL(r.url()).searchParams);
check(params.every((p) => JSON.parse(p.get('extensions') || '{}').persistedQuery?.sha256Hash?.length === 64),
  'each names its document by a SHA-256 (persistedQuery extension)');
check(params.every((p) => !p.has('query')), `no document is sent in full: the server knew them all (${params.filter((p) => p.has('query')).length} sent)`);

// A reload: the browser revalidates what it holds (If-None-Match), and the
// API answers 304 (which the browser shows the page as its cached 200).
const again = [];
page.on('request', (r) => { if (/\/graphql(\?|$)/.test(r.url())) again.push(r); });
await page.reload();
await idle();
await page.waitForSelector('#rows tr');
const sent = await Promise.all(again.map(async (r) => [r.url(), (await r.allHeaders())['if-none-match']]));
const revalidated = sent.filter(([, inm]) => inm);
check(revalidated.length > 0, `after a reload ${revalidated.length} of ${again.length} reads revalidate with If-None-Match`);
const [probe, inm] = revalidated[0] || [base + '/graphql', ''];
const res = await fetch(probe, { headers: { Accept: 'application/json', 'If-None-Match': inm } });
check(res.status === 304, `the API answers such a revalidation with 304 (${res.status})`);
const head = await (await fetch(reads[0].url(), { headers: { Accept: 'application/json' } })).headers;
check(head.get('etag') && /public/.test(head.get('cache-control') || ''), `an answer carries its ETag and Cache-Control (${head.get('cache-control')})`);
await finish();
