package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// checkHashes downloads every revision of Hải Phòng's 13/6 edition and its
// .sha256 file, as a reader would, and verifies them: the SHA-256 of the
// bytes served is the published hash (what GraphQL bulletin.sha256 and the
// pages print: db.Edition.Hash), the sidecar names it in sha256sum's format,
// and sha256sum -c accepts the pair. Before the exact bytes were stored, the
// JSON served was re-serialised and hashed to another value.
func checkHashes(t *testing.T, s *Service) {
	t.Helper()
	ctx := context.Background()
	c, err := s.DB.CampaignBySlug(ctx, "hai-phong-cao-diem")
	if err != nil {
		t.Fatal(err)
	}
	revs, err := s.DB.EditionRevisions(ctx, c.ID, c.ScopeUnitID, domain.MustDate("2023-06-13"))
	if err != nil || len(revs) < 2 {
		t.Fatalf("13/6: %d revisions (%v)", len(revs), err)
	}
	h := s.Handler()
	get := func(path string) []byte {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		return rec.Body.Bytes()
	}
	dir := t.TempDir()
	verify := func(file, want string) {
		t.Helper()
		body := get("/downloads/hai-phong-cao-diem/" + file)
		sum := get("/downloads/hai-phong-cao-diem/" + file + ".sha256")
		got := sha256.Sum256(body)
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("%s: SHA-256 of the bytes served %x, published %s", file, got, want)
		}
		if string(sum) != want+"  "+file+"\n" {
			t.Errorf("%s.sha256 says %q", file, sum)
		}
		os.WriteFile(filepath.Join(dir, file), body, 0o644)
		os.WriteFile(filepath.Join(dir, file+".sha256"), sum, 0o644)
		if _, err := exec.LookPath("sha256sum"); err != nil {
			return
		}
		cmd := exec.Command("sha256sum", "-c", file+".sha256")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), file+": OK") {
			t.Errorf("sha256sum -c %s.sha256: %v %s", file, err, out)
		}
	}
	for _, e := range revs {
		if e.Bytes == nil {
			t.Errorf("revision %d: its exact bytes were not stored", e.Revision)
		}
		verify("2023-06-13.r"+string(rune('0'+e.Revision))+".json", e.Hash)
	}
	verify("2023-06-13.json", revs[len(revs)-1].Hash)
}
