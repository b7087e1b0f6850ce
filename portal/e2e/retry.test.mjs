// The portal when the API asks to wait (issue 12, item 17): a 429 with
// Retry-After makes the page say so in its language, wait and ask again,
// and the reader sees the page, not an error; when the API keeps refusing,
// the error is in the page's language too.
//   node retry.test.mjs BASE_URL
import { base, check, open } from './lib.mjs';

const { page, idle, finish, errors } = await open();
const refuse = (route) => route.fulfill({
  status: 429,
  headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
  body: JSON.stringify({ errors: [{ message: 'too many requests: this API allows 200 points per second per address; retry after 1 second', extensions: { code: 'RATE_LIMITED', retryAfter: 1 } }] }),
});

// Two refusals, then the API answers: the page waits, says so, and renders.
let refused = 0;
// The portal reads by GET (/graphql?variables…&extensions…).
const API = /\/graphql(\?|$)/;
await page.route(API, (route) => (refused < 2 && route.request().method() === 'GET' ? (refused++, refuse(route)) : route.continue()));
await page.goto(`${base}/?campaign=ben-tre-cong-dan-so&date=2023-11-14`);
await page.waitForFunction(() => /giây/.test(document.getElementById('status').textContent));
ok2(await page.locator('#status').innerText());
await page.waitForSelector('#rows tr', { timeout: 15000 });
await idle();
check(refused === 2, `the API refused ${refused} requests`);
check(await page.locator('#error').isHidden(), 'after waiting, the page shows no error');
check(!/giây/.test(await page.locator('#status').innerText()), 'the waiting message is gone');

// In English, an API that keeps refusing: retried, then an English error.
// The Vietnamese page is left first, so that none of its requests (a
// refresh still in flight) is counted with the English page's (seen once in
// CI: one query counted 5 times).
await page.goto('about:blank');
await page.unroute(API);
// Each query the page sends (the figures, the demo notice…) is asked once
// and retried three times, no more.
const asked = new Map();
await page.route(API, (route) => {
  const q = route.request().postData() || route.request().url();
  asked.set(q, (asked.get(q) || 0) + 1);
  return refuse(route);
});
await page.goto(`${base}/?campaign=ben-tre-cong-dan-so&date=2023-11-14&lang=en`);
await page.waitForFunction(() => /trying again/.test(document.getElementById('status').textContent));
await page.waitForSelector('#error:not([hidden])', { timeout: 20000 });
const msg = await page.locator('#error').innerText();
check(/busy/.test(msg) && !/points per second/.test(msg), `the error is in English words of the page: ${msg}`);
await page.waitForTimeout(4000); // the other queries' retries (1 s apart) end too
const counts = [...asked.values()];
check(counts.length > 0 && counts.every((n) => n === 4), `each request asked once and retried three times (${counts.join(', ')})`);

function ok2(text) { check(/Nhiều người đang xem cùng lúc/.test(text), `while waiting, the page says so in Vietnamese: ${text}`); }

// The refusals were made on purpose: they are not the page's errors.
errors.splice(0, errors.length, ...errors.filter((e) => !/429/.test(e)));
await finish();
