// The "Data & API" page: runnable example queries (each opens in GraphiQL),
// the downloads, the feeds, the embed card, the limits and the error codes.
import { endpoint } from './api.js';
import { $, el, readParams, applyWords, pageURL } from './common.js';
import { LICENCE } from './i18n.js';
import { bilingual } from './page.js';

const C = 'ben-tre-cong-dan-so';

/** The examples: real queries against the demo's Bến Tre campaign. */
export const EXAMPLES = [
  {
    vi: 'Các chiến dịch và trạng thái', en: 'Campaigns and their status',
    q: `{
  campaigns(first: 10) {
    totalCount
    edges { node { slug name legalRef startDate endDate status scope { code fullName } } }
  }
}`,
  },
  {
    vi: 'Tiến độ toàn tỉnh Bến Tre ngày 14/11/2023, số đã định dạng', en: 'Bến Tre province on 14 November 2023, with formatted numbers',
    q: `{
  progress(campaign: "${C}", unitCode: "83", metric: "collected", from: "2023-11-14", to: "2023-11-14") {
    edges { node { date figure quota rate source figureText quotaText rateText en: rateText(lang: EN) } }
  }
}`,
  },
  {
    vi: 'Xếp hạng các huyện theo tỷ lệ kích hoạt, kèm số đơn vị mỗi xếp loại', en: 'Districts ranked by activation rate, with units per band',
    q: `{
  ranking(campaign: "${C}", metric: "activated", date: "2023-11-14", level: DISTRICT) {
    date totalCount
    bandCounts { band { key labelVi } count }
    edges { node { rank rankChange unit { code fullName } figureText quotaText rateText band pace7d requiredPace projectedCompletion atRisk source coverage { onTime late missing total } } }
  }
}`,
  },
  {
    vi: 'Chuỗi số liệu cho biểu đồ (dạng cột, gọn nhất)', en: 'A series for a chart (columns, the compact form)',
    q: `{
  progress(campaign: "${C}", unitCode: "83", metric: "activated", from: "2023-11-01", to: "2023-11-14") {
    totalCount
    columns { dates figures quotas rates sources deltas }
  }
}`,
  },
  {
    vi: 'Lịch báo cáo của một xã: đúng hạn, trễ, thiếu, đính chính', en: 'A commune’s reporting calendar: on time, late, missing, corrected',
    q: `{
  progress(campaign: "${C}", unitCode: "29056", metric: "activated", from: "2023-10-01", to: "2023-10-07") {
    edges { node { date figureText source coverage { onTime late missing } revisionCount corrected } }
  }
}`,
  },
  {
    vi: 'Nhật ký đính chính: số cũ → số mới, lý do, đơn vị gửi', en: 'The corrections log: old → new value, reason, sending unit',
    q: `{
  corrections(campaign: "${C}", scopeCode: "83", first: 10) {
    totalCount
    edges { node { date unit { fullName } metric { key } previousValueText valueText reason onTime reportedAt submitterUnit { fullName } } }
  }
}`,
  },
  {
    vi: 'Bản tin ngày, các bản đính chính và đường dẫn tải về', en: 'The day’s bulletin, its revisions and downloads',
    q: `{
  bulletin(campaign: "${C}", date: "2023-11-14") {
    date revision title lead sha256 url csvUrl
    revisions { revision publishedAt sha256 }
  }
}`,
  },
  {
    vi: 'Xếp hạng đã chốt tại một mốc, bên cạnh số liệu hiện nay', en: 'A milestone’s frozen ranking beside the current figures',
    q: `{
  milestoneRanking(campaign: "hai-phong-cao-diem", date: "2023-06-20", metric: "activated", level: DISTRICT, first: 5) {
    frozen frozenAt sha256 rulesVersion { version effectiveFrom } changedCount csvUrl jsonUrl
    edges { node { rank unit { fullName } figureText rateText band changes current { rank figureText band } correctionsUrl } }
  }
}`,
  },
  {
    vi: 'Tìm đơn vị không cần gõ dấu, theo danh mục trước cải cách 2025', en: 'Find units without diacritics, in the list before the 2025 reform',
    q: `{
  units(search: "chau thanh", kind: DISTRICT, asOf: "2023-11-14", first: 10) {
    totalCount
    edges { node { code fullName parent { fullName } } }
  }
}`,
  },
];

const T = bilingual({
  intro: [
    'Mọi số liệu trên cổng thông tin đều lấy từ API GraphQL công khai. Truy vấn (Query) không cần đăng ký; ghi số liệu (Mutation) cần mã truy cập của đơn vị.',
    'Every number on the portal comes from the public GraphQL API. Queries need no sign-up; writing figures (mutations) needs a unit’s token.',
  ],
  endpoint: ['Địa chỉ API', 'API endpoint'],
  transports: [
    'Gửi POST với JSON {"query", "variables"} hoặc GET với ?query=; trả lời dạng application/graphql-response+json (hoặc application/json cho ứng dụng cũ).',
    'POST JSON {"query", "variables"} or GET with ?query=; answers are application/graphql-response+json (or application/json for older clients).',
  ],
  schema: [
    'Lược đồ (schema) để tải về: mọi kiểu, trường và tham số đều có mô tả; dùng để sinh mã máy khách (graphql-codegen) hoặc cho trình soạn thảo. Thay đổi phá vỡ tương thích được báo trước trong CHANGELOG-API.md.',
    'The schema to download: every type, field and argument is described; generate clients from it (graphql-codegen) or give it to your editor. Breaking changes are announced ahead in CHANGELOG-API.md.',
  ],
  examples: ['Truy vấn mẫu', 'Example queries'],
  open: ['Mở trong GraphiQL', 'Open in GraphiQL'],
  curl: ['Bằng dòng lệnh:', 'From the command line:'],
  downloads: ['Tải số liệu', 'Downloads'],
  downloadsText: [
    'Mỗi bản tin đã đăng có bảng xếp hạng dạng CSV (UTF-8 có BOM, mở đúng tiếng Việt trong Excel) và XLSX, và toàn bộ nội dung dạng JSON. Bản đã đăng không bao giờ bị sửa; đính chính là một bản mới. Các tệp của một ngày xuất hiện khi bản tin ngày đó được đăng, ngay sau hạn báo cáo (07:30 ngày hôm sau). series.* là toàn bộ chuỗi số liệu của chiến dịch (mọi đơn vị ở mọi cấp, kể cả xã, mọi chỉ số, mọi ngày; một dòng một đơn vị, chỉ số và ngày), cập nhật mỗi khi số liệu thay đổi; series.meta.json định nghĩa từng cột. {ngày}.all.* là mọi đơn vị của một ngày đã đăng (trên máy chủ, ?level=COMMUNE chỉ lấy một cấp). latest.* là các tệp của ngày mới nhất đã đăng (ngày nằm trong tiêu đề Tiendo-Date và Content-Location). CSV: dấu phẩy, số viết liền, dấu chấm thập phân, ô trống là không có số liệu; nút "Tải CSV (bản để xem)" trên trang xếp hạng cho bản sao để xem (số đã định dạng), không phải tệp dữ liệu này. Bảng xếp hạng chốt tại mỗi mốc: /downloads/{chiến dịch}/milestones/{ngày}.csv và .json (đúng từng byte của bản ghi, kiểm tra bằng mã SHA-256).',
    'Every published bulletin has its ranking tables as CSV (UTF-8 with a byte order mark, so Excel shows Vietnamese) and XLSX, and its whole content as JSON. A published revision never changes; a correction is a new revision. A day’s files appear when its bulletin is published, right after its report deadline (07:30 the next day). series.* is the campaign’s whole series (every unit at every level, communes too, every metric, every day; one row per unit, metric and day), updated whenever the figures change; series.meta.json defines each column. {date}.all.* holds every unit of a published day (on the server, ?level=COMMUNE keeps one level). latest.* are the files of the latest published day (its date in the Tiendo-Date and Content-Location headers). CSV: commas, plain numbers, a dot for decimals, an empty cell where there is no data; the rankings page’s “Download CSV (display copy)” button gives a display copy (formatted numbers), not these data files. Each milestone’s frozen ranking: /downloads/{campaign}/milestones/{date}.csv and .json (the record byte for byte, checkable against its SHA-256).',
  ],
  columns: ['Các cột CSV', 'CSV columns'],
  cols: {
    campaign: ['mã chiến dịch', 'campaign slug'],
    date: ['ngày số liệu', 'day of the figures'],
    scope_code: ['mã đơn vị phạm vi', 'scope unit code'],
    metric: ['chỉ số', 'metric'],
    rank: ['hạng', 'rank'],
    rank_change: ['số bậc tăng (+) hoặc giảm (−) so với hôm trước', 'places gained (+) or lost (−) since the day before'],
    unit_code: ['mã đơn vị', 'unit code'],
    unit_name: ['tên đơn vị', 'unit name'],
    figure: ['số liệu luỹ kế', 'cumulative figure'],
    quota: ['chỉ tiêu', 'quota'],
    rate: ['tỷ lệ (1 = 100%)', 'rate (1 = 100%)'],
    rate_text: ['tỷ lệ đã làm tròn, kiểu Việt Nam', 'rounded rate, Vietnamese style'],
    band: ['xếp loại', 'band'],
    delta: ['tăng so với hôm trước', 'change since the day before'],
    pace7d: ['tốc độ bình quân 7 ngày', '7-day average daily increase'],
    required_pace: ['tốc độ cần để đạt chỉ tiêu đúng hạn', 'daily increase needed to reach the quota in time'],
    projected_completion: ['ngày dự kiến đạt chỉ tiêu', 'projected day the quota is reached'],
    at_risk: ['có nguy cơ không hoàn thành', 'at risk of missing the quota'],
    source: ['nguồn số liệu', 'source of the figure'],
    on_time: ['số đơn vị báo cáo đúng hạn', 'units reporting on time'],
    late: ['trễ hạn', 'late'],
    missing: ['chưa báo cáo', 'not reported'],
  },
  feeds: ['Nguồn tin Atom', 'Atom feeds'],
  feedsText: [
    'Theo dõi bản tin mới và các lần đính chính số liệu bằng trình đọc tin (nguồn đính chính chia trang, mỗi trang 50 mục, liên kết rel="next" tới trang sau):',
    'Follow new bulletins and corrections of the figures in a feed reader (the corrections feeds are paged, 50 entries a page, rel="next" linking the next page):',
  ],
  corrections: ['Mọi lần đính chính, xem trên trang Đính chính số liệu', 'Every correction, on the Corrections page'],
  embed: ['Nhúng vào trang báo', 'Embed in a news page'],
  embedText: [
    'Thẻ tiến độ của một đơn vị, cập nhật theo số liệu mới nhất (hoặc tính đến một ngày: ?date=YYYY-MM-DD), để đặt trong bài viết:',
    'A unit’s progress card, showing the latest figures (or as of a day: ?date=YYYY-MM-DD), for an article:',
  ],
  embedChart: [
    'Biểu đồ tương tác của một chỉ số (vừa cột bài 360 px; tham số campaign, unit, metric, date, lang), có nút tải PNG và SVG:',
    'An interactive chart of one metric (fits a 360-px article column; parameters campaign, unit, metric, date, lang), with PNG and SVG downloads:',
  ],
  limits: ['Giới hạn', 'Limits'],
  limitsList: [
    [
      'Truy vấn lồng sâu tối đa 12 cấp và có chi phí tối đa 5.000 (mỗi danh sách tính bằng số dòng của trang nhân với các trường bên dưới).',
      'Mỗi trang tối đa 100 dòng; dùng first và after để lấy trang tiếp theo.',
      'Thân yêu cầu tối đa 1 MiB; mỗi yêu cầu có 15 giây.',
      'Mỗi địa chỉ IP được 200 điểm mỗi giây (dồn tối đa 2.000): câu trả lời lấy từ bộ nhớ đệm tốn 1 điểm, một truy vấn tốn 1 điểm cho mỗi 200 chi phí; khi vượt, máy chủ trả HTTP 429 với Retry-After. Mỗi câu trả lời có tiêu đề RateLimit-Policy và RateLimit, và extensions.rateLimit (cost, remaining, resetAt).',
      'GET chỉ chạy truy vấn, không bao giờ chạy Mutation.',
    ],
    [
      'A query may nest at most 12 levels and cost at most 5,000 (a list costs its page size times the fields below it).',
      'A page holds at most 100 rows; use first and after for the next page.',
      'A request body may be at most 1 MiB; a request has 15 seconds.',
      'Each address may spend 200 points a second (bursts of up to 2,000): an answer from the cache costs 1 point, a query 1 point per 200 of its cost; over that the server answers HTTP 429 with Retry-After. Every answer carries the RateLimit-Policy and RateLimit headers, and extensions.rateLimit (cost, remaining, resetAt).',
      'GET runs queries only, never mutations.',
    ],
  ],
  errors: ['Mã lỗi', 'Error codes'],
  errorsText: ['Mỗi lỗi GraphQL có extensions.code:', 'Every GraphQL error carries extensions.code:'],
  code: ['Mã', 'Code'],
  meaning: ['Khi nào', 'When'],
  codes: {
    BAD_INPUT: ['tham số hoặc dữ liệu không hợp lệ; extensions.field chỉ ra mục sai', 'invalid arguments or data; extensions.field names the item'],
    NOT_FOUND: ['không có chiến dịch, đơn vị hoặc chỉ số này', 'no such campaign, unit or metric'],
    UNAUTHENTICATED: ['ghi số liệu mà không có mã truy cập, hoặc mã đã bị thu hồi', 'a write without a token, or with a revoked one'],
    FORBIDDEN: [
      'đơn vị ghi ngoài phạm vi của mình, hoặc thao tác chỉ dành cho quản trị',
      'a unit writing outside its subtree, or an admin-only operation',
    ],
    CONFLICT: ['dùng lại khoá yêu cầu (clientKey) cho nội dung khác', 'a client key reused for another payload'],
    TOO_COMPLEX: ['truy vấn vượt giới hạn độ sâu hoặc chi phí', 'over the depth or cost limit'],
    RATE_LIMITED: ['quá nhiều yêu cầu (HTTP 429)', 'too many requests (HTTP 429)'],
    UNAVAILABLE: [
      'tạm thời không truy cập được cơ sở dữ liệu (HTTP 503 với Retry-After); câu trả lời đã có trong bộ nhớ đệm vẫn được trả',
      'the database cannot be reached for the moment (HTTP 503 with Retry-After); answers the cache holds are still served',
    ],
    INTERNAL: ['lỗi của máy chủ; kèm mã yêu cầu để đối chiếu nhật ký', 'our fault; with a request id to match our log'],
  },
  static: ['Bản sao tĩnh', 'A static copy'],
  staticText: [
    'Toàn bộ cổng thông tin và kho bản tin có thể xuất thành tệp tĩnh để đặt trên bất kỳ máy chủ web nào:',
    'The whole portal and the bulletin archive can be written as static files for any web host:',
  ],
  licence: ['Giấy phép và trích dẫn', 'Licence and citing'],
  licenceList: [
    [
      'Số liệu công bố (số liệu, tỷ lệ, xếp hạng, bản tin và các tệp tải về) theo giấy phép CC BY 4.0: được sao chép và dùng lại, kể cả cho mục đích thương mại, khi ghi nguồn.',
      'Trích dẫn: Tiến Độ, «tên trang hoặc bản tin, bản số mấy», đường dẫn, truy cập ngày dd/mm/yyyy. Chân mỗi trang có sẵn câu trích dẫn của chính trang đó; đường dẫn giữ mọi lựa chọn đang xem. Đường dẫn một bản (rN) của bản tin không bao giờ thay đổi.',
      'Tệp {ngày}.json là đúng các byte có mã SHA-256 được công bố (trường sha256 của API, trang bản tin); tệp {ngày}.json.sha256 bên cạnh để kiểm tra: sha256sum -c {ngày}.json.sha256. Tệp JSON ghi giấy phép trong các trường licence, licenceUrl và demo; đường dẫn cố định của nó nằm trong tiêu đề HTTP Link (rel="canonical"). Tệp CSV chỉ có dữ liệu: giấy phép nằm trong tiêu đề HTTP Link (rel="license") và trong tệp downloads/README.txt đặt cạnh các tệp.',
      'Khi máy chủ chạy dữ liệu minh hoạ, mọi trang đều có dòng "Dữ liệu minh hoạ"; API cho biết qua trường dataset { demo }.',
    ],
    [
      'The published figures (figures, rates, rankings, bulletins and every download) are under the CC BY 4.0 licence: copy and reuse them, commercially too, with attribution.',
      'Cite as: Tiến Độ, “title of the page or bulletin, revision”, link, retrieved Month D, YYYY. Every page’s footer has its own citation; its link holds everything shown. The link of a bulletin revision (rN) never changes.',
      '{date}.json is exactly the bytes whose SHA-256 is published (the API’s sha256 field, the bulletin page); {date}.json.sha256 beside it checks them: sha256sum -c {date}.json.sha256. The JSON names its licence in the fields licence, licenceUrl and demo; its permalink is in the HTTP Link header (rel="canonical"). The CSV holds data only: its licence is in the HTTP Link header (rel="license") and in downloads/README.txt beside the files.',
      'When the server runs on demo data every page says “Demo data”; the API says so in dataset { demo }.',
    ],
  ],
});

const COLS = ['campaign', 'date', 'scope_code', 'metric', 'rank', 'rank_change', 'unit_code', 'unit_name', 'figure', 'quota', 'rate', 'rate_text',
  'band', 'delta', 'pace7d', 'required_pace', 'projected_completion', 'at_risk', 'source', 'on_time', 'late', 'missing'];

const code = (text) => el('pre', null, el('code', { text }));

function render() {
  const st = readParams([]);
  const t = T[st.lang];
  const w = applyWords(st, 'data');
  document.title = `${w.nav.data} — Tiến Độ`;
  $('h1').textContent = w.nav.data;
  // Where this copy of the site lives (origin and base path): the addresses
  // below must work when copied, also on a static host under a sub-path.
  const origin = new URL('.', location.href).href.replace(/\/$/, '');
  const section = (id, title, ...kids) => el('section', { 'aria-labelledby': id }, el('h2', { id, text: title }), ...kids);
  const examples = EXAMPLES.map((x, i) => el('article', { class: 'example', 'data-example': String(i) },
    el('h3', { text: x[st.lang] }), code(x.q),
    el('p', null, el('a', { class: 'graphiql-link', href: 'graphiql/?query=' + encodeURIComponent(x.q) }, t.open + ' ›'))));
  const curlLine = `curl -s ${endpoint} -H 'Content-Type: application/json' \\\n  -d '{"query": "{ campaigns(first: 3) { edges { node { slug name status } } } }"}'`;
  $('content').replaceChildren(
    el('p', { class: 'lede', text: t.intro }),
    section('h-endpoint', t.endpoint, el('p', null, el('code', { text: endpoint })), el('p', { text: t.transports }), el('p', { text: t.curl }), code(curlLine),
      el('p', null, el('a', { href: 'graphiql/' }, 'GraphiQL ›')),
      el('p', { text: t.schema }),
      el('p', { id: 'schema-files' }, el('a', { href: 'schema.graphql' }, 'schema.graphql (SDL)'), ' · ', el('a', { href: 'schema.json' }, 'schema.json (introspection)'))),
    section('h-licence', t.licence, el('ul', null, ...t.licenceList.map((x) => el('li', { text: x }))),
      el('p', null, el('a', { rel: 'license', href: LICENCE.url }, 'CC BY 4.0 ›'), ' · ', el('a', { href: 'downloads/README.txt' }, 'downloads/README.txt'))),
    section('h-examples', t.examples, ...examples),
    section('h-downloads', t.downloads, el('p', { text: t.downloadsText }),
      code([`${C}/2023-11-14.csv  .xlsx  .json  .json.sha256`, `${C}/2023-11-14.r1.csv  .r1.xlsx  .r1.json   (bản 1 / revision 1)`,
        `${C}/2023-11-14.all.csv  .all.xlsx  .all.json   (?level=COMMUNE)`, `${C}/latest.csv  latest.xlsx  latest.json`,
        `${C}/series.csv  series.xlsx  series.json  series.meta.json`, `series.csv  series.xlsx  series.json  series.meta.json   (mọi chiến dịch / every campaign)`]
        .map((p) => `${origin}/downloads/${p}`).join('\n')),
      el('p', null, el('a', { href: `downloads/${C}/2023-11-14.csv` }, `${C}/2023-11-14.csv`), ' · ', el('a', { href: `downloads/${C}/2023-11-14.json` }, 'JSON')),
      el('div', { class: 'table-wrap' }, el('table', { id: 'csv-columns' }, el('caption', { text: t.columns }),
        el('tbody', null, ...COLS.map((k) => el('tr', null, el('th', { scope: 'row' }, el('code', { text: k })), el('td', { text: t.cols[k] }))))))),
    section('h-feeds', t.feeds, el('p', { text: t.feedsText }),
      el('ul', null, el('li', null, el('a', { href: 'feeds/bulletins.atom' }, `${origin}/feeds/bulletins.atom`)), el('li', null, el('a', { href: `feeds/${C}.atom` }, `${origin}/feeds/${C}.atom`)),
        el('li', null, el('a', { href: 'feeds/corrections.atom' }, `${origin}/feeds/corrections.atom`)),
        el('li', null, el('a', { href: `feeds/corrections/${C}.atom` }, `${origin}/feeds/corrections/${C}.atom`))),
      el('p', null, el('a', { href: pageURL('corrections.html', { campaign: C }, st.lang) }, t.corrections + ' ›'))),
    section('h-embed', t.embed, el('p', { text: t.embedText }),
      code(`<iframe src="${origin}/embed/${C}/83/${st.lang === 'en' ? 'index.en.html' : ''}" title="Tiến Độ — Bến Tre" width="100%" height="200" loading="lazy" style="border:0"></iframe>`),
      el('p', { text: t.embedChart }),
      code(`<iframe src="${origin}/embed-chart.html?campaign=${C}&unit=83&metric=collected${st.lang === 'en' ? '&lang=en' : ''}" title="Tiến Độ — Bến Tre" width="100%" height="560" loading="lazy" style="border:0;max-width:40rem"></iframe>`)),
    section('h-limits', t.limits, el('ul', null, ...t.limitsList.map((x) => el('li', { text: x })))),
    section('h-errors', t.errors, el('p', { text: t.errorsText }),
      el('div', { class: 'table-wrap' }, el('table', { id: 'error-codes' },
        el('thead', null, el('tr', null, el('th', { scope: 'col', text: t.code }), el('th', { scope: 'col', text: t.meaning }))),
        el('tbody', null, ...Object.entries(t.codes).map(([k, v]) => el('tr', null, el('th', { scope: 'row' }, el('code', { text: k })), el('td', { text: v }))))))),
    section('h-static', t.static, el('p', { text: t.staticText }), code('go run ./server publish --out site --site-url https://example.org --api https://api.example.org/graphql')),
  );
}

render();
