// Words and number formats of the portal, Vietnamese first (?lang=en for English).

const vi = {
  htmlLang: 'vi',
  locale: 'vi-VN',
  title: 'Tiến độ cấp tài khoản định danh điện tử',
  lede: 'Số liệu công khai về các đợt cao điểm cấp tài khoản định danh điện tử (VNeID, Đề án 06): chỉ tiêu, số liệu các đơn vị báo cáo hằng ngày và xếp hạng.',
  skip: 'Bỏ qua, tới nội dung chính',
  navLabel: 'Liên kết chính',
  nav: { home: 'Trang chủ', rankings: 'Xếp hạng', bulletins: 'Bản tin', campaigns: 'Chiến dịch', data: 'Dữ liệu & API', method: 'Phương pháp' },
  api: 'API GraphQL (GraphiQL)',
  bulletins: 'Bản tin',
  readBulletin: 'Đọc bản tin',
  archive: 'Lưu trữ bản tin',
  bulletinOf: (d) => `Bản tin ngày ${d}`,
  otherLang: 'English',
  otherLangCode: 'en',
  campaigns: 'Các chiến dịch',
  noCampaigns: 'Chưa có chiến dịch nào.',
  legalRef: 'Căn cứ',
  periodLabel: 'Thời gian',
  milestonesLabel: 'Các mốc',
  statusLabel: 'Trạng thái',
  rankBy: 'Xếp hạng theo chỉ số này',
  unknownUnit: (c) => `Không có đơn vị mã ${c}.`,
  period: (a, b) => `Từ ${a} đến ${b}`,
  status: { UPCOMING: 'Sắp diễn ra', ACTIVE: 'Đang diễn ra', ENDED: 'Đã kết thúc' },
  selected: 'đang xem',
  scope: 'Phạm vi',
  crumbs: 'Đơn vị đang xem',
  controls: 'Chọn số liệu',
  metric: 'Chỉ số xếp hạng',
  date: 'Ngày',
  show: 'Xem',
  latest: 'Ngày mới nhất',
  progressOf: (u, d) => `Tiến độ ${u}, tính đến ngày ${d}`,
  reached: (r) => `đạt ${r}`,
  dayDelta: (n) => `${n} so với ngày trước`,
  stale: (n) => `chưa báo cáo, dùng số liệu ${n} ngày trước`,
  noQuota: 'chưa có chỉ tiêu',
  noData: 'chưa có số liệu',
  bandCounts: (lv) => `Số đơn vị theo xếp loại (${lv})`,
  noRate: 'Chưa có tỷ lệ',
  details: 'chi tiết',
  chartOf: (m, u) => `Diễn biến ${m.toLowerCase()} của ${u}`,
  // The chart's summary: the day's figure, then what the figure says (see chart.js summary()).
  summary: {
    head: (fig, q, d) => `Ngày ${d}: ${fig}${q ? ' / ' + q : ''}.`,
    reached: (since) => `Đã đạt chỉ tiêu${since ? ` từ ngày ${since}` : ''}.`,
    projected: (pace, d) => `Với tốc độ 7 ngày qua (${pace}/ngày), dự kiến đạt chỉ tiêu ngày ${d}.`,
    projectedLate: (pace, d) => `Với tốc độ 7 ngày qua (${pace}/ngày), dự kiến đạt chỉ tiêu ngày ${d}, sau khi chiến dịch kết thúc.`,
    notBeforeEnd: (pace) => `Với tốc độ 7 ngày qua (${pace}/ngày), chưa đạt chỉ tiêu trước khi chiến dịch kết thúc.`,
    COMPLETED: (r) => `Chiến dịch đã kết thúc: đã hoàn thành chỉ tiêu, đạt ${r}.`,
    NOT_COMPLETED: (r) => `Chiến dịch đã kết thúc: không hoàn thành chỉ tiêu, đạt ${r}.`,
  },
  chartLabels: { figure: 'Số liệu', quota: 'Chỉ tiêu', projection: 'Dự kiến theo tốc độ 7 ngày' },
  chart: {
    date: 'Ngày', download: 'Tải biểu đồ:', milestones: 'Các mốc trên biểu đồ', empty: 'Biểu đồ chưa có số liệu.', source: 'Nguồn: Tiến Độ',
    alt: (t, fig, d, q, from) => `Biểu đồ${t ? ' ' + t.charAt(0).toLowerCase() + t.slice(1) + ',' : ''} từ ${from}: ${fig} ngày ${d}${q ? `, chỉ tiêu ${q}` : ''}. Số liệu từng ngày có trong bảng và văn bản của trang.`,
  },
  rankingOf: (lv, m, d) => `Xếp hạng ${lv} theo tỷ lệ ${m}, ngày ${d}`,
  levels: { PROVINCE: 'các tỉnh, thành phố', DISTRICT: 'các quận, huyện, thị xã, thành phố', COMMUNE: 'các xã, phường, thị trấn' },
  noRanking: 'Đơn vị này không có đơn vị cấp dưới để xếp hạng.',
  caption: (n) => `${n} đơn vị. Xếp theo tỷ lệ đạt, rồi số liệu; bấm tên đơn vị để xem các đơn vị bên dưới.`,
  th: { rank: 'Hạng', unit: 'Đơn vị', figure: 'Số liệu', quota: 'Chỉ tiêu', rate: 'Tỷ lệ đạt', band: 'Xếp loại' },
  up: (n) => `lên ${n} bậc`,
  down: (n) => `xuống ${n} bậc`,
  unranked: 'chưa xếp hạng',
  atRisk: 'có nguy cơ không hoàn thành',
  outcome: { COMPLETED: 'đã hoàn thành chỉ tiêu', NOT_COMPLETED: 'không hoàn thành chỉ tiêu' },
  coverage: (late, missing) => [late ? `${late} báo cáo trễ hạn` : '', missing ? `${missing} chưa báo cáo` : ''].filter(Boolean).join(', '),
  more: 'Xem thêm',
  loading: 'Đang tải số liệu…',
  error: 'Không tải được số liệu: ',
  notFound: (s) => `Không có chiến dịch “${s}”.`,
  outOfScope: 'Đơn vị này không thuộc phạm vi chiến dịch.',
  footer: 'Tỷ lệ đạt = số liệu ÷ chỉ tiêu, làm tròn 2 chữ số thập phân. Số liệu là luỹ kế; đơn vị chưa báo cáo trong ngày được giữ số liệu gần nhất.',
  fixed: 'đã đính chính',
  fixesOf: (u, d) => `Xem đính chính số liệu của ${u} ngày ${d}`,
  demo: 'Dữ liệu minh hoạ: số liệu trên trang này là số liệu mẫu để trình diễn, không phải số liệu chính thức.',
  trust: {
    licence: 'Số liệu công bố theo giấy phép ', reuse: ': được dùng lại, kể cả thương mại, khi ghi nguồn.',
    cite: (title, url, d) => `Trích dẫn: Tiến Độ, «${title}», ${url}, truy cập ngày ${d}.`,
    fix: 'Đính chính: mỗi số liệu sửa đổi được công bố kèm lý do, bản cũ vẫn xem được.', report: 'Báo sai sót: ',
  },
};

const en = {
  htmlLang: 'en',
  locale: 'en-US',
  title: 'Progress of electronic identity registration',
  lede: 'Public figures of the drives to give every citizen an electronic identity account (VNeID, Project 06): quotas, the units’ daily reports and rankings.',
  skip: 'Skip to main content',
  navLabel: 'Main links',
  nav: { home: 'Home', rankings: 'Rankings', bulletins: 'Bulletins', campaigns: 'Campaigns', data: 'Data & API', method: 'Method' },
  api: 'GraphQL API (GraphiQL)',
  bulletins: 'Bulletins',
  readBulletin: 'Read the bulletin',
  archive: 'Bulletin archive',
  bulletinOf: (d) => `Bulletin of ${d}`,
  otherLang: 'Tiếng Việt',
  otherLangCode: 'vi',
  campaigns: 'Campaigns',
  noCampaigns: 'No campaigns yet.',
  legalRef: 'Legal basis',
  periodLabel: 'Period',
  milestonesLabel: 'Milestones',
  statusLabel: 'Status',
  rankBy: 'Rank by this metric',
  unknownUnit: (c) => `No unit with code ${c}.`,
  period: (a, b) => `${a} to ${b}`,
  status: { UPCOMING: 'Upcoming', ACTIVE: 'Active', ENDED: 'Ended' },
  selected: 'shown',
  scope: 'Scope',
  crumbs: 'Unit shown',
  controls: 'Choose figures',
  metric: 'Rank by',
  date: 'Day',
  show: 'Show',
  latest: 'Latest day',
  progressOf: (u, d) => `Progress of ${u} as of ${d}`,
  reached: (r) => `${r} reached`,
  dayDelta: (n) => `${n} since the day before`,
  stale: (n) => `not reported; figure from ${n} days earlier`,
  noQuota: 'no quota',
  noData: 'no data',
  bandCounts: (lv) => `Units per band (${lv.toLowerCase()})`,
  noRate: 'No rate yet',
  details: 'details',
  chartOf: (m, u) => `${m} in ${u} over time`,
  summary: {
    head: (fig, q, d) => `${d}: ${fig}${q ? ' of ' + q : ''}.`,
    reached: (since) => `The quota has been reached${since ? ` since ${since}` : ''}.`,
    projected: (pace, d) => `At the last 7 days' pace (${pace}/day), the quota would be reached on ${d}.`,
    projectedLate: (pace, d) => `At the last 7 days' pace (${pace}/day), the quota would be reached on ${d}, after the campaign ends.`,
    notBeforeEnd: (pace) => `At the last 7 days' pace (${pace}/day), the quota would not be reached before the campaign ends.`,
    COMPLETED: (r) => `The campaign has ended: the quota was reached, at ${r}.`,
    NOT_COMPLETED: (r) => `The campaign has ended: the quota was not reached, at ${r}.`,
  },
  chartLabels: { figure: 'Figure', quota: 'Quota', projection: 'Projected at the 7-day pace' },
  chart: {
    date: 'Date', download: 'Download the chart:', milestones: 'Milestones on the chart', empty: 'The chart has no figures yet.', source: 'Source: Tiến Độ',
    alt: (t, fig, d, q, from) => `Chart${t ? ' of ' + t : ''} from ${from}: ${fig} on ${d}${q ? `, quota ${q}` : ''}. The figures day by day are in the page's table and text.`,
  },
  rankingOf: (lv, m, d) => `${lv} ranked by rate, ${m}, ${d}`,
  levels: { PROVINCE: 'Provinces', DISTRICT: 'Districts', COMMUNE: 'Communes' },
  noRanking: 'This unit has no units below it to rank.',
  caption: (n) => `${n} units, by rate then figure; select a unit to see the units below it.`,
  th: { rank: 'Rank', unit: 'Unit', figure: 'Figure', quota: 'Quota', rate: 'Rate', band: 'Band' },
  up: (n) => `up ${n}`,
  down: (n) => `down ${n}`,
  unranked: 'not ranked',
  atRisk: 'at risk of missing the quota',
  outcome: { COMPLETED: 'quota completed', NOT_COMPLETED: 'quota not completed' },
  coverage: (late, missing) => [late ? `${late} late` : '', missing ? `${missing} not reported` : ''].filter(Boolean).join(', '),
  more: 'Show more',
  loading: 'Loading figures…',
  error: 'Could not load the figures: ',
  notFound: (s) => `No campaign “${s}”.`,
  outOfScope: 'This unit is outside the campaign’s scope.',
  footer: 'Rate = figure ÷ quota, rounded to 2 decimals. Figures are cumulative; a unit that did not report on a day keeps its latest figure.',
  fixed: 'corrected',
  fixesOf: (u, d) => `See the corrections of ${u} on ${d}`,
  demo: 'Demo data: the figures on this page are a sample for demonstration, not official figures.',
  trust: {
    licence: 'Figures published under ', reuse: ': reuse them, commercially too, with attribution.',
    cite: (title, url, d) => `Cite as: Tiến Độ, “${title}”, ${url}, retrieved ${d}.`,
    fix: 'Corrections: every revised figure is published with its reason; the earlier one stays readable.', report: 'Report an error: ',
  },
};

/** The words of a language ('vi' or 'en'). */
export const words = (lang) => (lang === 'en' ? en : vi);

/** Formats an integer, e.g. 822.139 (vi) or 822,139 (en). */
export function fmtInt(n, lang) {
  return n == null ? '—' : new Intl.NumberFormat(words(lang).locale, { maximumFractionDigits: 0 }).format(n);
}

/** Formats a change with its sign, e.g. +1.234. */
export function fmtDelta(n, lang) {
  return (n > 0 ? '+' : n < 0 ? '−' : '±') + fmtInt(Math.abs(n), lang);
}

/** The licence of the published figures (publish/trust.go says the same). */
export const LICENCE = { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' };

/**
 * Formats a rate (1.0 = 100%) as the API does: rounded half-up to 2 decimals,
 * trailing zeros dropped, e.g. 88,33% or 71,3%; but never rounded up onto a
 * threshold the rate has not reached: 100% or a band's minimum (bands:
 * [{min}…]). 0,999995 prints 99,99%, 0,69996 in TRUNG BÌNH prints 69,99%.
 */
export function fmtRate(rate, lang, bands = []) {
  if (rate == null) return '—';
  let bp = Math.floor(rate * 10000 + 0.5 + 1e-7);
  for (const min of [1, ...bands.map((b) => b.min)]) {
    const at = Math.ceil(min * 10000 - 1e-7);
    if (min > 0 && rate < min && bp >= at) bp = at - 1;
  }
  return new Intl.NumberFormat(words(lang).locale, { maximumFractionDigits: 2 }).format(bp / 100) + '%';
}

/** Formats a YYYY-MM-DD day: 14/11/2023 (vi) or Nov 14, 2023 (en). */
export function fmtDate(day, lang) {
  if (!day) return '—';
  const [y, m, d] = day.split('-');
  if (lang !== 'en') return `${d}/${m}/${y}`;
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(+y, m - 1, +d));
}
