package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// buildServer builds this command into a temporary directory and returns
// the binary's path.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tiendo")
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// healWithin bounds how long after a restart every committed write must be
// in the figures.
const healWithin = 5 * time.Second

// TestKillNineDuringWrites is issue 12's fault test, on the real binary over
// loopback: acknowledged submitReports batches (each with a client key)
// stream in from four writers; the server is killed with SIGKILL mid-stream
// and started again. Within healWithin of the restart, before any client
// retries, every committed report is in the figures (the figures worker
// heals the writes whose refresh died with the process). Then the clients
// retry every batch not acknowledged, and every acknowledged write is
// stored exactly once.
func TestKillNineDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	t.Parallel()
	ctx := context.Background()
	bin := buildServer(t)
	url := dbtest.NewURL(t)
	store, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	units, err := os.ReadFile(filepath.Join(dbtest.ExampleDir(), "units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dbtest.MustImportUnits(t, store, string(units))
	vn, _ := time.LoadLocation(domain.DefaultTimeZone)
	today := domain.DateFromTime(time.Now().In(vn))
	const days = 20
	start := today.AddDays(-days - 5)
	c, err := store.CreateCampaign(ctx, &domain.CampaignDef{ScopeCode: "VN", Campaign: domain.Campaign{
		Slug: "fault", Name: "Kiểm thử sự cố", Start: start, End: today.AddDays(10),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: []string{"collected"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var communes []string
	rows, _ := store.Pool.Query(ctx, `SELECT code FROM units WHERE kind = 'COMMUNE' ORDER BY code`)
	for rows.Next() {
		var code string
		rows.Scan(&code)
		communes = append(communes, code)
	}
	if rows.Err() != nil || len(communes) < 8 {
		t.Fatalf("%d communes (%v)", len(communes), rows.Err())
	}

	// The batches: one per commune and day, each commune's days in order
	// (cumulative figures that grow), split among four writers.
	type batchT struct {
		key  string
		body []byte
	}
	const writers = 4
	streams := make([][]batchT, writers)
	for i, code := range communes {
		for d := range days {
			key := fmt.Sprintf("%s-%02d", code, d)
			in := map[string]any{"campaign": "fault", "clientKey": key, "reports": []map[string]any{
				{"unitCode": code, "metric": "collected", "date": start.AddDays(d).String(), "value": 100*(d+1) + i}}}
			body, _ := json.Marshal(map[string]any{"query": `mutation($in: SubmitReportsInput!) { submitReports(input: $in) { written replayed } }`,
				"variables": map[string]any{"in": in}})
			streams[i%writers] = append(streams[i%writers], batchT{key, body})
		}
	}
	total := len(communes) * days

	const admin = "fault-test-admin-secret-0123456789"
	srv := &faultServer{t: t, bin: bin, url: url, admin: admin}
	srv.start()
	defer srv.kill()

	var mu sync.Mutex
	acked := map[string]bool{}
	if len(streams[0]) == 0 {
		t.Fatal("no batches")
	}
	// send posts one batch; it reports whether the server acknowledged it.
	send := func(b batchT) bool {
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/graphql", bytes.NewReader(b.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var out struct {
			Data   *struct{ SubmitReports *struct{ Written int } }
			Errors []any
		}
		if json.NewDecoder(resp.Body).Decode(&out) != nil || len(out.Errors) > 0 || out.Data == nil || out.Data.SubmitReports == nil {
			return false
		}
		mu.Lock()
		acked[b.key] = true
		mu.Unlock()
		return true
	}
	// Rounds: stream, kill -9 at a moment unrelated to any answer, restart;
	// within healWithin every committed write is in the figures, before any
	// retry. Each writer then resends its first batch not acknowledged and
	// goes on; the last round runs to the end.
	next := make([]int, writers) // each writer's first batch not acknowledged
	const kills = 3
	var healed []string
	for round := 0; round <= kills; round++ {
		var wg sync.WaitGroup
		for w, s := range streams {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next[w] < len(s) && send(s[next[w]]) {
					next[w]++
				}
			}()
		}
		if round == kills {
			wg.Wait()
			break
		}
		time.Sleep(time.Duration(400+round*300) * time.Millisecond)
		srv.kill()
		wg.Wait()
		var committed, notes int
		store.Pool.QueryRow(ctx, `SELECT count(*) FROM report_revisions`).Scan(&committed)
		store.Pool.QueryRow(ctx, `SELECT count(*) FROM figures_due`).Scan(&notes)
		stale := unrefreshed(t, store, c.ID)
		t.Logf("kill %d: %d batches acknowledged, %d committed, %d committed reports not in the figures, %d notes of figures due",
			round+1, len(acked), committed, stale, notes)
		restarted := time.Now()
		srv.start()
		for n := stale; n > 0; n = unrefreshed(t, store, c.ID) {
			if time.Since(restarted) > healWithin {
				t.Fatalf("%d committed reports not in the figures %s after the restart", n, healWithin)
			}
			time.Sleep(5 * time.Millisecond)
		}
		healed = append(healed, fmt.Sprintf("%d in %.0f ms (ready after %.0f ms)", stale,
			float64(time.Since(restarted).Microseconds())/1000, float64(srv.readyAfter.Microseconds())/1000))
	}
	t.Logf("healed after each restart, before any retry: %s", strings.Join(healed, "; "))

	var stored, keys, distinct int
	store.Pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT (unit_id, metric_id, day)) FROM report_revisions`).Scan(&stored, &distinct)
	store.Pool.QueryRow(ctx, `SELECT count(*) FROM client_keys`).Scan(&keys)
	if stored != total || distinct != total || keys != total {
		t.Fatalf("%d revisions of %d reports, %d client keys; want each of the %d batches stored once", stored, distinct, keys, total)
	}
	// A write is acknowledged before its figures are refreshed: the last
	// ones are in the figures within moments.
	for last := time.Now(); ; time.Sleep(5 * time.Millisecond) {
		n := unrefreshed(t, store, c.ID)
		if n == 0 {
			t.Logf("the last writes were in the figures %.0f ms after the last acknowledgement", float64(time.Since(last).Microseconds())/1000)
			break
		}
		if time.Since(last) > healWithin {
			t.Fatalf("%d reports not in the figures %s after the retries", n, healWithin)
		}
	}
	t.Logf("%d batches stored, each once", stored)
}

// unrefreshed counts the current reports a campaign's figures do not show.
func unrefreshed(t *testing.T, store *db.DB, campaignID int64) int {
	t.Helper()
	var n int
	if err := store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM report_current rc
		LEFT JOIN figures f ON f.campaign_id = $1 AND f.metric_id = rc.metric_id AND f.unit_id = rc.unit_id AND f.day = rc.day
		WHERE f.value IS DISTINCT FROM rc.value OR f.source <> 'REPORTED'`, campaignID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// faultServer is the server binary run as a child process.
type faultServer struct {
	t               *testing.T
	bin, url, admin string
	base            string
	cmd             *exec.Cmd
	log             bytes.Buffer
	readyAfter      time.Duration
}

func (s *faultServer) start() {
	t := s.t
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s.base = "http://" + addr
	s.cmd = exec.Command(s.bin, "serve")
	s.cmd.Env = append(os.Environ(), "DATABASE_URL="+s.url, "LISTEN_ADDR="+addr, "ADMIN_TOKEN="+s.admin,
		"PUBLISH_EVERY=0", "RATE_LIMIT=0", "TOKEN_RATE_LIMIT=0", "PPROF_ADDR=")
	s.cmd.Stdout, s.cmd.Stderr = &s.log, &s.log
	begin := time.Now()
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.readyAfter = time.Since(begin)
				return
			}
		}
		if time.Since(begin) > 30*time.Second {
			s.kill()
			t.Fatalf("the server did not become ready:\n%s", s.log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// kill sends SIGKILL to the server and reaps it.
func (s *faultServer) kill() {
	if s.cmd == nil || s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	if strings.Contains(s.log.String(), "panic") {
		s.t.Errorf("the server panicked:\n%s", s.log.String())
	}
}
