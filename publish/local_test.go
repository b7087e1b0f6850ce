package publish

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// TestLocalColumn: the column of a district and of a commune of Bến Tre,
// in both languages, by the official rules and words (the district's text
// is the golden one of TestBulletinText), labelled as not an edition, at
// its permalink; a unit outside the scope, a day outside the campaign or
// an unknown unit is refused; nothing is written.
func TestLocalColumn(t *testing.T) {
	ctx := context.Background()
	s := &Service{DB: loaded(t), Now: func() time.Time { return at("2024-01-01") }}
	var before int
	if err := s.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM bulletins`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	day := domain.MustDate("2023-11-14")
	_, u, e, err := s.Local(ctx, "ben-tre-cong-dan-so", day, "836")
	if err != nil {
		t.Fatal(err)
	}
	if u.Code != "836" {
		t.Errorf("scope %s", u.Code)
	}
	golden(t, "ben-tre-ba-tri-2023-11-14.vi", text(e, "vi"))
	golden(t, "ben-tre-ba-tri-2023-11-14.en", text(e, "en"))

	var commune string
	if err := s.DB.Pool.QueryRow(ctx, `SELECT min(code) FROM units WHERE parent_id = (SELECT id FROM units WHERE code = '836' AND valid @> '2023-11-14'::date)`).Scan(&commune); err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	for _, c := range []struct{ code, lang, notice, lead string }{
		{"836", "vi", LocalNotice["vi"], "Tính đến ngày 14/11/2023, toàn huyện"},
		{"836", "en", LocalNotice["en"], "As of"},
		{commune, "vi", LocalNotice["vi"], "Tính đến ngày 14/11/2023"},
		{commune, "en", LocalNotice["en"], "As of"},
	} {
		path := LocalPath("ben-tre-cong-dan-so", day, c.code, c.lang)
		rec := get(path)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, c.notice) || !strings.Contains(body, c.lead) || strings.Contains(body, "SHA-256 <code>") {
			t.Errorf("%s: %d, notice %v, lead %v:\n%.2000s", path, rec.Code, strings.Contains(body, c.notice), strings.Contains(body, c.lead), body)
		}
	}
	for path, want := range map[string]int{
		"/bulletins/ben-tre-cong-dan-so/2023-11-14/local/31":     http.StatusBadRequest, // Hải Phòng: outside the scope
		"/bulletins/ben-tre-cong-dan-so/2024-05-01/local/836":    http.StatusBadRequest, // after the campaign
		"/bulletins/ben-tre-cong-dan-so/14-11-2023/local/836":    http.StatusBadRequest,
		"/bulletins/ben-tre-cong-dan-so/2023-11-14/local/999999": http.StatusNotFound,
		"/bulletins/no-such/2023-11-14/local/836":                http.StatusNotFound,
	} {
		if rec := get(path); rec.Code != want {
			t.Errorf("%s: %d, want %d (%s)", path, rec.Code, want, rec.Body)
		}
	}
	var after int
	if err := s.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM bulletins`).Scan(&after); err != nil || after != before {
		t.Errorf("local columns stored bulletins: %d before, %d after (%v)", before, after, err)
	}
}
