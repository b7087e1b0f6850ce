package publish

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestEmbedCardAndPortalNav: the embed card names its campaign and honours
// ?date= (a bad day is BAD_INPUT); the bulletin pages sit inside the
// portal's navigation with a main landmark, and wide tables scroll in a box
// of their own.
func TestEmbedCardAndPortalNav(t *testing.T) {
	ctx := context.Background()
	s := &Service{DB: loaded(t), Now: func() time.Time { return at("2023-06-14") }}
	if _, err := s.PublishDue(ctx); err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	get := func(path string, code int) string {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != code {
			t.Fatalf("%s: %d, want %d: %s", path, rec.Code, code, rec.Body)
		}
		return rec.Body.String()
	}
	has := func(path, body string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s does not say %q", path, w)
			}
		}
	}
	const card = "/embed/hai-phong-cao-diem/31"
	latest := get(card, http.StatusOK)
	has(card, latest, "<main", "Hải Phòng", "Tính đến ngày")
	early := get(card+"?date=2023-06-05", http.StatusOK)
	has(card+"?date=2023-06-05", early, "Tính đến ngày 05/06/2023")
	if early == latest {
		t.Error("?date= changed nothing")
	}
	has(card+"?lang=en&date=2023-06-05", get(card+"?lang=en&date=2023-06-05", http.StatusOK), "As of Jun 5, 2023")
	has(card+"?date=2023-13-01", get(card+"?date=2023-13-01", http.StatusBadRequest), "date")
	has(card+"?date=2023-05-01", get(card+"?date=2023-05-01", http.StatusBadRequest), "before the campaign starts")

	for _, p := range []string{"/bulletins/", "/bulletins/hai-phong-cao-diem/", "/bulletins/hai-phong-cao-diem/2023-06-13"} {
		has(p, get(p, http.StatusOK), `<nav class="portal-nav"`, `href="/rankings.html"`, `aria-current="page">Bản tin</a>`, "<main>", "</main>")
		if p != "/bulletins/" {
			has(p, get(p, http.StatusOK), `class="scroll" tabindex="0"`)
		}
	}
	has("en", get("/bulletins/hai-phong-cao-diem/?lang=en", http.StatusOK), `href="/rankings.html?lang=en"`, `aria-current="page">Bulletins</a>`)
}
