package publish_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/publish"
)

// stuckWriter is a client that stops reading: its first write says so, and
// blocks until released.
type stuckWriter struct {
	h       http.Header
	once    sync.Once
	writing *sync.WaitGroup
	release chan struct{}
}

func (w *stuckWriter) Header() http.Header { return w.h }
func (w *stuckWriter) WriteHeader(int)     {}
func (w *stuckWriter) Write(b []byte) (int, error) {
	w.once.Do(w.writing.Done)
	<-w.release
	return len(b), nil
}

// TestDownloadStreamsBounded: downloads streamed from the database are
// bounded in number; past the bound one waits, then is told to retry, and
// once a stream ends the next is served. Found by a hostile-load audit: five
// clients that never read series.csv held every connection of the pool for
// 30 s, and the API answered 503 and /readyz "database unreachable".
func TestDownloadStreamsBounded(t *testing.T) {
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	svc := &publish.Service{DB: store, Logger: slog.New(slog.DiscardHandler), MaxStreams: 2, StreamWait: 200 * time.Millisecond}
	h := svc.Handler()
	var writing, done sync.WaitGroup
	release := make(chan struct{})
	for _, path := range []string{"/downloads/series.csv", "/downloads/ref/series.json"} {
		writing.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			h.ServeHTTP(&stuckWriter{h: http.Header{}, writing: &writing, release: release}, httptest.NewRequest(http.MethodGet, path, nil))
		}()
	}
	writing.Wait()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/downloads/series.csv", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a third download while two are stuck: %d (Retry-After %q), want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	done.Wait()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/downloads/series.csv", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
		t.Errorf("a download once the others ended: %d, %d bytes", rec.Code, rec.Body.Len())
	}
}
