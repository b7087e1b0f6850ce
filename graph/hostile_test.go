package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/demo"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// The budgets of issue 12, item 5, for every request of the hostile corpus
// (graph/testdata/hostile): answered, refused or served, within 100 ms of
// process CPU and 20 MB of allocations, while a trivial query from another
// client is answered within 50 ms, with one and with four hostile clients.
// The race detector slows everything down several times: under -race the
// budgets are multiplied by raceSlowdown (race_on_test.go).
const (
	hostileCPUBudget   = 100 * time.Millisecond
	hostileAllocBudget = 20 << 20
	trivialBudget      = 50 * time.Millisecond
)

// hostileCase is one request of the corpus: its query and what it must get.
type hostileCase struct {
	name      string
	query     string
	variables string // JSON, or ""
	expect    string // an error code, "served", or "any"
}

// loadHostileCorpus reads graph/testdata/hostile: each .graphql file is a
// query as it is sent; each .gen file describes a big one (see genQuery).
// A "# expect: X" line says what the request must get.
func loadHostileCorpus(t testing.TB) []hostileCase {
	t.Helper()
	var out []hostileCase
	for _, pattern := range []string{"*.graphql", "*.gen"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "hostile", pattern))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c := hostileCase{name: strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)), query: string(b)}
			for _, line := range strings.Split(c.query, "\n") {
				if v, ok := strings.CutPrefix(line, "# expect: "); ok {
					c.expect = strings.TrimSpace(v)
				}
			}
			if c.expect == "" {
				t.Fatalf("%s: no '# expect:' line", f)
			}
			// A line "--- variables" ends the query; the variables (JSON)
			// follow.
			if q, vars, ok := strings.Cut(c.query, "\n--- variables\n"); ok {
				c.query, c.variables = q, vars
			}
			if strings.HasSuffix(f, ".gen") {
				c.query = genQuery(c.query)
				c.variables = strings.TrimSpace(genQuery(c.variables))
			}
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		// An empty corpus would leave the hostile clients spinning on
		// nothing, and the test measuring that.
		t.Fatal("no hostile corpus in testdata/hostile")
	}
	slices.SortFunc(out, func(a, b hostileCase) int { return strings.Compare(a.name, b.name) })
	return out
}

// genQuery expands a corpus description: lines starting with # are
// comments; "repeat N TEXT" stands for TEXT N times, separated by spaces,
// with {i} replaced by 0, 1, … N-1; other lines are copied. Lines are
// joined by line breaks, except after a line ending in a backslash.
func genQuery(desc string) string {
	var b strings.Builder
	for _, line := range strings.Split(desc, "\n") {
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		join := "\n"
		if l, ok := strings.CutSuffix(line, `\`); ok {
			line, join = l, ""
		}
		if rest, ok := strings.CutPrefix(line, "repeat "); ok {
			count, text, _ := strings.Cut(rest, " ")
			n, err := strconv.Atoi(count)
			if err != nil {
				panic("repeat needs a count: " + line)
			}
			for i := range n {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(strings.ReplaceAll(text, "{i}", strconv.Itoa(i)))
			}
		} else {
			b.WriteString(line)
		}
		b.WriteString(join)
	}
	return b.String()
}

// hostileServer serves the API at its default limits over the demo
// dataset, with the response cache off (a cached answer would hide the cost
// of a repeated request).
func hostileServer(t *testing.T) *httptest.Server {
	t.Helper()
	store := dbtest.New(t)
	if err := demo.Load(context.Background(), store, io.Discard); err != nil {
		t.Fatal(err)
	}
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	api := graph.LoaderMiddleware(store, httpapi.Timeout(15*time.Second, httpapi.NewHandler(res, httpapi.Limits{CacheBytes: -1})))
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return srv
}

// hostileResult is what one request cost.
type hostileResult struct {
	wall, cpu   time.Duration
	alloc, size int64
	outcome     string // the first error's code, or "served"
	message     string
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func allocatedBytes() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// body is the case's request body.
func (c hostileCase) body() []byte {
	req := map[string]any{"query": c.query}
	if c.variables != "" {
		req["variables"] = json.RawMessage(c.variables)
	}
	b, err := json.Marshal(req)
	if err != nil {
		panic(c.name + ": the variables are not JSON: " + err.Error())
	}
	return b
}

// postQuery sends a query and reads its whole answer.
func postQuery(client *http.Client, url, query string) (hostileResult, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	return postBody(client, url, body)
}

// postBody sends a request body and reads the whole answer.
func postBody(client *http.Client, url string, body []byte) (hostileResult, error) {
	start := time.Now()
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return hostileResult{}, err
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	raw, err := io.ReadAll(resp.Body)
	r := hostileResult{wall: time.Since(start), size: int64(len(raw)), outcome: "served"}
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return r, fmt.Errorf("HTTP %d, not JSON: %.200s", resp.StatusCode, raw)
	}
	if len(out.Errors) > 0 && (len(out.Data) == 0 || string(out.Data) == "null") {
		r.outcome, _ = out.Errors[0].Extensions["code"].(string)
		r.message = out.Errors[0].Message
	}
	return r, nil
}

// measure sends one request and measures the process around it: nothing
// else may run meanwhile.
func measure(client *http.Client, url string, c hostileCase) (hostileResult, error) {
	runtime.GC()
	cpu, alloc := processCPU(), allocatedBytes()
	r, err := postBody(client, url, c.body())
	r.cpu, r.alloc = processCPU()-cpu, allocatedBytes()-alloc
	return r, err
}

// TestHostileCorpus replays the hostile corpus through the HTTP handler
// over the demo dataset, each request alone and then from one and from four
// clients at once while another client sends a trivial query, and holds
// each request to the budgets above. HOSTILE_REPORT=file writes the
// measurements as a Markdown table instead of checking them (for
// graph/testdata/hostile/README.md).
func TestHostileCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo dataset")
	}
	corpus := loadHostileCorpus(t)
	// The collector as the server tunes it (server.tuneGC: GOGC 400).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	srv := hostileServer(t)
	url := srv.URL + "/graphql"
	client := srv.Client()
	report := os.Getenv("HOSTILE_REPORT")
	var table strings.Builder
	table.WriteString("| case | query bytes | outcome | answer bytes | wall | CPU | allocated |\n|---|---:|---|---:|---:|---:|---:|\n")
	// Warm up: the first requests pay for connections and caches.
	for range 3 {
		if _, err := postQuery(client, url, "{ metrics { key } }"); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range corpus {
		r, err := measure(client, url, c)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		fmt.Fprintf(&table, "| %s | %d | %s | %d | %.1f ms | %.1f ms | %.1f MB |\n", c.name, len(c.query), r.outcome, r.size,
			float64(r.wall.Microseconds())/1000, float64(r.cpu.Microseconds())/1000, float64(r.alloc)/(1<<20))
		if report != "" {
			continue
		}
		t.Logf("%s: %s in %v, %v CPU, %d KB allocated, %d bytes: %.200s", c.name, r.outcome, r.wall, r.cpu, r.alloc>>10, r.size, r.message)
		if c.expect != "any" && r.outcome != c.expect {
			t.Errorf("%s: got %s (%s), want %s", c.name, r.outcome, r.message, c.expect)
		}
		if r.cpu > hostileCPUBudget*raceSlowdown {
			t.Errorf("%s: %v of CPU, over the budget of %v", c.name, r.cpu, hostileCPUBudget*raceSlowdown)
		}
		if r.alloc > hostileAllocBudget*raceSlowdown {
			t.Errorf("%s: %d MB allocated, over the budget of %d MB", c.name, r.alloc>>20, hostileAllocBudget*raceSlowdown>>20)
		}
		if r.size > 64<<10 {
			t.Errorf("%s: a %d-byte answer", c.name, r.size)
		}
	}
	if report != "" {
		if err := os.WriteFile(report, []byte(table.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	bodies := make([][]byte, len(corpus))
	for i, c := range corpus {
		bodies[i] = c.body()
	}
	for _, clients := range []int{1, 4} {
		t.Run(fmt.Sprintf("%dClients", clients), func(t *testing.T) {
			// A loaded machine (a CI runner testing other packages, a shared
			// host) is slow before any hostile request: the budget is what a
			// trivial query takes with no hostile client, measured just
			// before, plus 50 ms; a phase over it is run again, up to three
			// times in all, before it fails.
			var base, worst time.Duration
			for try := 0; try == 0 || try < 3 && worst > base+trivialBudget*raceSlowdown; try++ {
				base = hostilePhase(t, client, url, bodies, 0)
				worst = hostilePhase(t, client, url, bodies, clients)
				t.Logf("slowest trivial query: %v with no hostile client, %v while %d sent the corpus", base, worst, clients)
			}
			if worst > base+trivialBudget*raceSlowdown {
				t.Errorf("a trivial query waited %v, %v more than with no hostile client (budget %v)", worst, worst-base, trivialBudget*raceSlowdown)
			}
		})
	}
}

// hostilePhase has `clients` clients send the whole corpus (each in its
// own order, for at least a second) while another sends a trivial query
// every 10 ms, and returns the longest the trivial query took.
func hostilePhase(t *testing.T, client *http.Client, url string, bodies [][]byte, clients int) time.Duration {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	var wg sync.WaitGroup
	for k := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round == 0 || time.Now().Before(deadline); round++ {
				for i := range bodies {
					if _, err := postBody(client, url, bodies[(i+k*len(bodies)/clients+round)%len(bodies)]); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	var worst time.Duration
	for time.Now().Before(deadline) {
		r, err := postQuery(client, url, "{ metrics { key } }")
		if err != nil || r.outcome != "served" {
			t.Errorf("trivial query: %v %s %s", err, r.outcome, r.message)
		}
		worst = max(worst, r.wall)
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
	return worst
}
