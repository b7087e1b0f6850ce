// Starts GraphiQL (vendored UMD build: window.React, window.ReactDOM and
// window.GraphiQL) against the API named by <meta name="tiendo-api">.
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="tiendo-api"]');
  var endpoint = new URL((meta && meta.content) || '/graphql', location.href).href;

  var defaultQuery = [
    '# Chào mừng đến với API Tiến Độ: số liệu công khai về tiến độ cấp tài khoản',
    '# định danh điện tử (VNeID, Đề án 06). Mọi truy vấn Query đều công khai, chỉ đọc.',
    '#',
    '# Nhấn ▶ (Ctrl+Enter) để chạy. Tài liệu đầy đủ của từng trường nằm ở nút "Docs"',
    '# bên trái. Tỷ lệ là số thực (1.0 = 100%); các trường ...Text là chuỗi đã định dạng',
    '# kiểu Việt Nam (822.139 và 88,33%), thêm lang: EN để có dạng tiếng Anh.',
    '',
    'query TienDo {',
    '  # Các chiến dịch, mới nhất trước',
    '  campaigns(first: 10) {',
    '    totalCount',
    '    edges {',
    '      node { slug name legalRef startDate endDate status scope { code fullName } }',
    '    }',
    '  }',
    '',
    '  # Tiến độ toàn tỉnh Bến Tre (mã 83) ngày 14/11/2023: thu nhận hồ sơ',
    '  benTre: progress(campaign: "ben-tre-cong-dan-so", unitCode: "83", metric: "collected",',
    '                   from: "2023-11-14", to: "2023-11-14") {',
    '    edges { node { date figureText quotaText rateText source } }',
    '  }',
    '',
    '  # Xếp hạng các huyện của Bến Tre theo tỷ lệ kích hoạt tài khoản cùng ngày',
    '  ranking(campaign: "ben-tre-cong-dan-so", metric: "activated",',
    '          date: "2023-11-14", level: DISTRICT) {',
    '    date',
    '    totalCount',
    '    edges {',
    '      node {',
    '        rank',
    '        unit { fullName }',
    '        figure',
    '        quota',
    '        rate',
    '        rateText',
    '        band',
    '        atRisk',
    '        coverage { onTime late missing total }',
    '      }',
    '    }',
    '  }',
    '}',
    ''
  ].join('\n');

  // ?lang=en (kept from the portal's language switch): the page and the
  // welcome query in English, the query's formatted strings too.
  var en = new URLSearchParams(location.search).get('lang') === 'en';
  var english = {
    '# Chào mừng đến với API Tiến Độ: số liệu công khai về tiến độ cấp tài khoản': '# Welcome to the Tiến Độ API: the public record of Vietnam\'s e-ID registration',
    '# định danh điện tử (VNeID, Đề án 06). Mọi truy vấn Query đều công khai, chỉ đọc.': '# drives (VNeID, Đề án 06). Every Query is public and read-only.',
    '# Nhấn ▶ (Ctrl+Enter) để chạy. Tài liệu đầy đủ của từng trường nằm ở nút "Docs"': '# Press ▶ (Ctrl+Enter) to run. Every field is documented under the "Docs" button',
    '# bên trái. Tỷ lệ là số thực (1.0 = 100%); các trường ...Text là chuỗi đã định dạng': '# on the left. Rates are floats (1.0 = 100%); the ...Text fields are formatted strings,',
    '# kiểu Việt Nam (822.139 và 88,33%), thêm lang: EN để có dạng tiếng Anh.': '# Vietnamese by default (822.139 and 88,33%); lang: EN gives English (822,139 and 88.33%).',
    '# Các chiến dịch, mới nhất trước': '# Campaigns, newest first',
    '# Tiến độ toàn tỉnh Bến Tre (mã 83) ngày 14/11/2023: thu nhận hồ sơ': '# Progress of Bến Tre province (code 83) on 14/11/2023: applications collected',
    '# Xếp hạng các huyện của Bến Tre theo tỷ lệ kích hoạt tài khoản cùng ngày': '# Bến Tre\'s districts ranked by accounts activated, the same day',
    'edges { node { date figureText quotaText rateText source } }': 'edges { node { date figureText(lang: EN) quotaText(lang: EN) rateText(lang: EN) source } }',
    'rateText': 'rateText(lang: EN)'
  };
  if (en) {
    document.documentElement.lang = 'en';
    document.title = 'GraphiQL — Tiến Độ API';
    defaultQuery = defaultQuery.split('\n').map(function (line) {
      var t = line.trim();
      return english[t] ? line.slice(0, line.indexOf(t)) + english[t] : line;
    }).join('\n');
  }

  var container = document.getElementById('graphiql');
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    container.textContent = en ? 'GraphiQL did not load (a JavaScript file is missing). Reload the page.' : 'Không tải được GraphiQL (thiếu tệp JavaScript). Hãy tải lại trang.';
    return;
  }
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  // ?query=… (the portal's "Data & API" examples) opens with that query.
  var asked = new URLSearchParams(location.search).get('query');
  var root = ReactDOM.createRoot(container);
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      query: asked || undefined,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false
    })
  );
})();
