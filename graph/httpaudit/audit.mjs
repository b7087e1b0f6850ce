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

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
// One audit at a time, so the output reads in the suite's order and a
// rate limit on the server sees a steady client.
for (const { id, name, fn } of serverAudits({ url })) {
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
console.log(`\n${counts.ok} ok, ${counts.notice} notice, ${counts.warn} warn, ${counts.error} error`);
process.exit(counts.notice || counts.warn || counts.error ? 1 : 0);
