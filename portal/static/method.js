// The method page: the rules behind every number, in plain words, with a
// worked example read live from the API, so a reader can check any figure.
import { gql } from './api.js';
import { $, el, readParams, applyWords, pageURL } from './common.js';

const T = {
  vi: {
    intro: 'Mọi con số trên Tiến Độ được tính theo các quy tắc dưới đây, giống nhau ở cổng thông tin, API, bản tin và tệp tải về. Với số liệu công khai, bạn có thể tự kiểm tra lại bất kỳ con số nào.',
    sections: [
      ['Số liệu là luỹ kế', [
        'Mỗi báo cáo là số luỹ kế của một đơn vị, một chỉ số, tính đến hết một ngày ("tính đến ngày"), không phải số phát sinh trong ngày.',
        'Báo cáo không bao giờ bị ghi đè. Đính chính là một bản mới của cùng đơn vị, chỉ số và ngày, ghi rõ ai, lúc nào, vì sao; bản mới nhất được tính, các bản cũ vẫn xem được.',
        'Số luỹ kế thấp hơn hôm trước chỉ được nhận khi là đính chính có lý do; số âm, ngày ngoài chiến dịch hoặc trong tương lai, đơn vị hay chỉ số không có đều bị từ chối, và không phần nào của lô bị ghi dở.',
      ]],
      ['Số liệu của một đơn vị trong một ngày', [
        'Nếu đơn vị có báo cáo của chính mình cho ngày đó: dùng bản mới nhất (nguồn: đơn vị báo cáo).',
        'Nếu không, và có đơn vị cấp dưới có số liệu: cộng số liệu của các đơn vị cấp dưới (nguồn: cộng từ cấp dưới). Đơn vị cấp dưới chưa báo cáo trong ngày được giữ số liệu gần nhất của nó trong tổng.',
        'Nếu không, dùng báo cáo gần nhất trước đó của chính đơn vị, ghi rõ cũ bao nhiêu ngày (nguồn: giữ số liệu cũ).',
        'Nếu không có gì: chưa có số liệu. Các cơ quan, đơn vị (sở, ban, ngành) được tính trong nhánh của mình và không bị cộng hai lần vào tổng theo địa giới.',
      ]],
      ['Hạn báo cáo', [
        'Báo cáo của ngày D phải gửi trước 07:30 sáng ngày D+1 (giờ Việt Nam; mỗi chiến dịch có thể đặt khác). Gửi sau là trễ hạn; không gửi là chưa báo cáo.',
        'Với một đơn vị có đơn vị cấp dưới, "đúng hạn / trễ / chưa báo cáo" đếm các đơn vị báo cáo ở cấp thấp nhất bên dưới nó; mỗi xã chỉ được đếm một lần.',
      ]],
      ['Chỉ tiêu', [
        'Chỉ tiêu là mục tiêu của một đơn vị cho một chỉ số trong một chiến dịch. Chỉ tiêu có thể được điều chỉnh (ví dụ hạ chỉ tiêu sau khi loại trừ công dân không đủ điều kiện), luôn kèm lý do và văn bản; lịch sử được giữ nguyên.',
        'Chỉ tiêu áp dụng cho ngày D là bản điều chỉnh mới nhất có hiệu lực từ ngày D trở về trước. Đơn vị không có chỉ tiêu riêng có chỉ tiêu bằng tổng chỉ tiêu của các đơn vị cấp dưới.',
      ]],
      ['Tỷ lệ đạt và xếp loại', [
        'Tỷ lệ đạt = số liệu ÷ chỉ tiêu áp dụng trong ngày. Khi hiển thị, tỷ lệ được làm tròn lên ở nửa (half-up) đến 2 chữ số thập phân và bỏ số 0 thừa: 88,33%, 71,3%.',
        'Làm tròn không bao giờ đưa tỷ lệ lên một ngưỡng mà nó chưa đạt: 100% hay ngưỡng của một xếp loại. Tỷ lệ như vậy được viết thấp hơn ngưỡng 0,01%: 999.995/1.000.000 = 99,9995% viết là 99,99% (không phải 100%), vì đơn vị chưa đạt chỉ tiêu; 69,996% ở loại Trung bình viết là 69,99%, không phải 70%.',
        'Xếp loại theo ngưỡng của chiến dịch; mặc định: Hoàn thành ≥ 100%, Khá ≥ 70%, Trung bình ≥ 40%, Chậm dưới 40%. So sánh dùng tỷ lệ chính xác, không dùng số đã làm tròn.',
      ]],
      ['Xếp hạng', [
        'Xếp hạng so sánh các đơn vị cùng cấp trong cùng phạm vi, theo tỷ lệ đạt (cao trước), rồi số liệu (lớn trước). Đơn vị có cùng tỷ lệ và cùng số liệu đồng hạng; hạng tiếp theo bỏ qua số chỗ đã dùng (1, 2, 2, 4). Mã đơn vị chỉ để xếp thứ tự hiển thị các đơn vị đồng hạng.',
        'Đơn vị chưa có số liệu không được xếp hạng. Thay đổi hạng = hạng hôm trước − hạng hôm nay (dương là tăng bậc), khi đơn vị được xếp hạng cả hai ngày.',
      ]],
      ['Tốc độ, dự kiến và nguy cơ', [
        'Tăng trong ngày = số liệu hôm nay − hôm trước. Tốc độ 7 ngày = (số liệu hôm nay − số liệu 7 ngày trước) ÷ 7.',
        'Tốc độ cần = (chỉ tiêu − số liệu) ÷ số ngày còn lại đến ngày cuối chiến dịch; bằng 0 khi đã đạt chỉ tiêu.',
        'Ngày dự kiến đạt chỉ tiêu = hôm nay + ⌈(chỉ tiêu − số liệu) ÷ tốc độ 7 ngày⌉, khi tốc độ dương.',
        'Có nguy cơ không hoàn thành khi chưa đạt chỉ tiêu và: tốc độ 7 ngày thấp hơn tốc độ cần, hoặc chưa có đủ 7 ngày số liệu, hoặc đã đến ngày cuối chiến dịch.',
        'Đơn vị có số liệu bằng hoặc vượt chỉ tiêu là đã đạt chỉ tiêu (kể từ ngày đầu tiên số liệu đạt chỉ tiêu): không cần tốc độ, không có ngày dự kiến, không có nguy cơ.',
        'Khi chiến dịch đã kết thúc, số liệu ngày cuối cho biết kết quả, không còn là nguy cơ: hoàn thành chỉ tiêu hoặc không hoàn thành chỉ tiêu, kèm tỷ lệ cuối cùng.',
      ]],
      ['Bản tin', [
        'Bản tin của ngày D được đăng tự động sau hạn báo cáo của ngày D. Bản đã đăng không bao giờ bị sửa: nếu số liệu được đính chính, một bản mới được đăng, nói rõ điều gì thay đổi; bản cũ vẫn xem được, mỗi bản có mã SHA-256 của nội dung.',
      ]],
    ],
    example: 'Ví dụ kiểm tra', exampleIntro: 'Số liệu thu nhận hồ sơ của tỉnh Bến Tre ngày 14/11/2023, lấy trực tiếp từ API:',
    exampleLines: (f, q, r, raw) => [`Số liệu: ${f}; chỉ tiêu: ${q}.`, `Tỷ lệ: ${f} ÷ ${q} = ${raw.replace(/%$/, '')}…% → làm tròn 2 chữ số thập phân: ${r}.`],
    check: 'Xem bảng xếp hạng các huyện ngày này',
    numbers: 'Cách viết số', numbersText: 'Tiếng Việt: dấu chấm ngăn cách hàng nghìn, dấu phẩy thập phân, ngày dd/mm/yyyy (822.139; 88,33%; 14/11/2023). Tiếng Anh: 822,139; 88.33%; Nov 14, 2023.',
  },
  en: {
    intro: 'Every number on Tiến Độ follows the rules below, the same on the portal, in the API, the bulletins and the downloads. The figures are public, so you can check any number yourself.',
    sections: [
      ['Figures are cumulative', [
        'A report is a unit’s cumulative figure for one metric as of the end of one day, never a daily increment.',
        'Reports are never overwritten. A correction is a new revision of the same unit, metric and day, saying who, when and why; the latest revision counts and every earlier one stays readable.',
        'A cumulative figure lower than the day before is accepted only as a correction with a reason; negative numbers, days outside the campaign or in the future, unknown units or metrics are refused, and nothing of a batch is half-written.',
      ]],
      ['A unit’s figure on a day', [
        'If the unit has its own report for the day: its latest revision (source: own report).',
        'Else, if any unit below it has data: the sum of its children’s figures (source: sum of the units below). A child that did not report that day is carried forward inside the sum.',
        'Else its own latest earlier report, with how many days old it is (source: carried forward).',
        'Else no figure. Agencies (departments) count in their own branch and are never counted twice in territorial totals.',
      ]],
      ['The reporting deadline', [
        'The report for day D is due by 07:30 on D+1 (Vietnam time; a campaign may set another). Later is late; none is not reported.',
        'For a unit with units below it, on time / late / not reported counts the lowest reporting units beneath it; each commune is counted once.',
      ]],
      ['Quotas', [
        'A quota is a unit’s target for one metric in one campaign. It may be revised (for example lowered after ineligible citizens are excluded), always with a reason and a document; the history is kept.',
        'The quota for day D is the latest revision in force on or before D. A unit without a quota of its own has the sum of its children’s.',
      ]],
      ['Rate and bands', [
        'Rate = figure ÷ the quota in force that day. It is shown rounded half-up to 2 decimals, trailing zeros dropped: 88.33%, 71.3%.',
        'Rounding never lifts a rate onto a threshold it has not reached: 100% or a band’s minimum. Such a rate is written 0.01% below the threshold: 999,995/1,000,000 = 99.9995% is written 99.99% (not 100%), since the quota is not reached; 69.996% in the Average band is written 69.99%, not 70%.',
        'Bands follow the campaign’s thresholds; by default: Completed ≥ 100%, Good ≥ 70%, Average ≥ 40%, Slow below 40%. Comparisons use the exact rate, never the rounded one.',
      ]],
      ['Rankings', [
        'A ranking compares units of one level inside one scope, by rate (higher first), then figure (larger first). Units with equal rate and figure share a rank, and the next rank skips the places used (1, 2, 2, 4). The unit code only orders tied units on the page.',
        'A unit without a figure is not ranked. Rank change = yesterday’s rank − today’s (positive is up), when the unit was ranked both days.',
      ]],
      ['Pace, projection and risk', [
        'Daily change = today’s figure − yesterday’s. 7-day pace = (today’s figure − the figure 7 days before) ÷ 7.',
        'Required pace = (quota − figure) ÷ days left to the campaign’s last day; 0 once the quota is reached.',
        'Projected completion = today + ⌈(quota − figure) ÷ 7-day pace⌉, when the pace is positive.',
        'At risk when the quota is not reached and: the 7-day pace is below the required pace, or there are not yet 7 days of figures, or it is the campaign’s last day.',
        'A unit whose figure is at or over its quota has reached it (since the first day its figure reached it): no pace is needed, there is no projected day and no risk.',
        'Once the campaign has ended, the last day’s figure states an outcome, not a risk: the quota completed or not completed, with the final rate.',
      ]],
      ['Bulletins', [
        'The bulletin of day D is published by itself after day D’s deadline. A published bulletin never changes: a correction of the figures publishes a new revision that says what changed; the old one stays readable, each with the SHA-256 of its content.',
      ]],
    ],
    example: 'A worked example', exampleIntro: 'Bến Tre province, applications collected on 14 November 2023, read live from the API:',
    exampleLines: (f, q, r, raw) => [`Figure: ${f}; quota: ${q}.`, `Rate: ${f} ÷ ${q} = ${raw.replace(/%$/, '')}…% → rounded to 2 decimals: ${r}.`],
    check: 'See the districts’ ranking on that day',
    numbers: 'How numbers are written', numbersText: 'Vietnamese: a dot between thousands, a decimal comma, dates dd/mm/yyyy (822.139; 88,33%; 14/11/2023). English: 822,139; 88.33%; Nov 14, 2023.',
  },
};

async function render() {
  const st = readParams([]);
  const t = T[st.lang];
  const w = applyWords(st, 'method');
  document.title = `${w.nav.method} — Tiến Độ`;
  $('h1').textContent = w.nav.method;
  const example = el('section', { 'aria-labelledby': 'h-example', id: 'example', hidden: true });
  $('content').replaceChildren(
    el('p', { class: 'lede', text: t.intro }),
    ...t.sections.map(([h, ps], i) => el('section', { 'aria-labelledby': 'h-rule-' + i }, el('h2', { id: 'h-rule-' + i, text: h }), el('ul', null, ...ps.map((p) => el('li', { text: p }))))),
    example,
    el('section', { 'aria-labelledby': 'h-numbers' }, el('h2', { id: 'h-numbers', text: t.numbers }), el('p', { text: t.numbersText })),
  );
  // The worked example, from the demo's Bến Tre campaign when it is there.
  try {
    const lang = st.lang === 'en' ? 'EN' : 'VI';
    const d = await gql(`query($lang: Lang) { progress(campaign: "ben-tre-cong-dan-so", unitCode: "83", metric: "collected", from: "2023-11-14", to: "2023-11-14") {
      edges { node { figure quota figureText(lang: $lang) quotaText(lang: $lang) rateText(lang: $lang) } } } }`, { lang });
    const p = d.progress.edges[0] && d.progress.edges[0].node;
    if (!p || p.figure == null || !p.quota) return;
    const raw = new Intl.NumberFormat(st.lang === 'en' ? 'en-US' : 'vi-VN', { style: 'percent', minimumFractionDigits: 4, maximumFractionDigits: 4, roundingMode: 'trunc' }).format(Math.trunc((p.figure / p.quota) * 1e6) / 1e6);
    example.append(el('h2', { id: 'h-example', text: t.example }), el('p', { text: t.exampleIntro }),
      el('ul', null, ...t.exampleLines(p.figureText, p.quotaText, p.rateText, raw).map((x) => el('li', { class: 'example-line', text: x }))),
      el('p', null, el('a', { href: pageURL('rankings.html', { campaign: 'ben-tre-cong-dan-so', metric: 'collected', date: '2023-11-14', level: 'DISTRICT' }, st.lang) }, t.check + ' ›')));
    example.hidden = false;
  } catch {
    // No demo campaign here: the rules stand on their own.
  }
}

render();
