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

  var container = document.getElementById('graphiql');
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    container.textContent = 'Không tải được GraphiQL (thiếu tệp JavaScript). Hãy tải lại trang.';
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
