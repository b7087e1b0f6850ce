// The portal's CSV cells (static/csv.js): text a spreadsheet would run as a
// formula is written with a leading apostrophe; numbers are not touched.
// Needs no browser: `node portal/e2e/csv.test.mjs` (run.sh runs it too, and
// `go test ./portal` when node is installed).
import { csvField, csvText } from '../static/csv.js';

let failed = 0;
const check = (ok, what) => {
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
};

for (const [v, want] of [
  ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
  ['+1+2', "'+1+2"],
  ['-3+4', "'-3+4"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\t=1+1', "'\t=1+1"],
  ['\r=1+1', `"'\r=1+1"`],
  ['Xã An Hòa', 'Xã An Hòa'],
  ['a=b', 'a=b'],
  ['88,33%', '"88,33%"'],
  [-2, '-2'],
  [0, '0'],
  [null, ''],
]) {
  check(csvField(v) === want, `csvField(${JSON.stringify(v)}) is ${JSON.stringify(want)} (got ${JSON.stringify(csvField(v))})`);
}
check(csvText([['a', -1], ['=b', 2]]) === "\ufeffa,-1\r\n'=b,2\r\n", 'csvText: a byte order mark, CRLF lines');
if (failed) {
  console.log(`${failed} failed`);
  process.exit(1);
}
