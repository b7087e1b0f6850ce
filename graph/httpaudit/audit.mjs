// Runs graphql-http's GraphQL-over-HTTP audit suite against a running
// server, prints each result and exits non-zero if any audit ends in an
// error (a MUST), a warning (a SHOULD) or a notice (a MAY: this API does all
// of them, refusing mutations over GET among them, so a notice is a
// regression too).
//   node audit.mjs http://127.0.0.1:8080/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL (e.g. http://127.0.0.1:8080/graphql)');
  process.exit(2);
}

// The server runs at its default settings, rate limit included: like any
// well-behaved client, the audit waits as long as a 429's Retry-After says
// and sends the request again.
let retries = 0;
async function politeFetch(input, init) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(input, init);
    if (res.status !== 429 || attempt === 5) return res;
    retries++;
    const wait = Number(res.headers.get('retry-after')) || 1;
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
// One audit at a time, so the output reads in the suite's order.
for (const { id, name, fn } of serverAudits({ url, fetchFn: politeFetch })) {
  const result = await fn();
  counts[result.status] = (counts[result.status] ?? 0) + 1;
  const mark = { ok: 'ok    ', notice: 'NOTICE', warn: 'WARN  ', error: 'ERROR ' }[result.status] ?? result.status;
  console.log(`${mark} ${id} ${name}`);
  if (result.status !== 'ok') {
    console.log(`       ${result.reason}`);
    if (result.response) {
      const res = result.response;
      let body = '';
      try {
        body = await res.text();
      } catch {
        // the audit may have read the body already
      }
      console.log(`       HTTP ${res.status} ${res.headers.get('content-type') ?? ''} ${body.slice(0, 300)}`);
    }
  }
}
console.log(`\n${counts.ok} ok, ${counts.notice} notice, ${counts.warn} warn, ${counts.error} error (${retries} requests sent again after a 429)`);
process.exit(counts.notice || counts.warn || counts.error ? 1 : 0);
