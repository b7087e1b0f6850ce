package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph/graphtest"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// gatedRefreshes is the PostgreSQL store whose figure refreshes each wait
// for the test to open the gate: a server whose refreshes after writes are
// slow.
type gatedRefreshes struct {
	*db.DB
	started chan struct{}
	gate    chan struct{}
}

func (g *gatedRefreshes) RefreshFiguresAfter(ctx context.Context, id int64, from domain.Date, now time.Time) error {
	g.started <- struct{}{}
	<-g.gate
	return g.DB.RefreshFiguresAfter(ctx, id, from, now)
}

// Issue 14, item 7, behind a load balancer: a writer's mutation goes to
// server A, whose refresh of the figures is held back; its next query with
// the same token goes to server B, which waits for that refresh and answers
// the new figure (before, B answered the old one at once). An anonymous
// query on B is not delayed. A refresh held past the bound (5 s): B answers
// the stored figure and says so (extension ownWritesPending).
func TestWriterReadsItsWritesOnAnotherServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	const admin = "own-writes-admin-secret-0123456789"
	if err := bootstrapAdmin(ctx, store, admin, quiet); err != nil {
		t.Fatal(err)
	}
	g := &gatedRefreshes{DB: store, started: make(chan struct{}, 10), gate: make(chan struct{})}
	uses := &app.App{Store: g, Logger: quiet}
	t.Cleanup(func() { close(g.gate); uses.Settle(ctx) })
	cfg := testConfig()
	cfg.App = uses
	// B follows the announcements (as a server does): the writer's read
	// there looks again when A's refresh announces the new figures.
	so, err := startScaleOut(ctx, store, scaleConfig{liveMax: 10, livePerAddr: 5}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer so.close()
	cfgB := testConfig()
	cfgB.Live = so.hub
	a, b := httpapi.NewRouter(store, cfg, quiet), httpapi.NewRouter(store, cfgB, quiet)

	const query = `{ progress(campaign: "ref", unitCode: "90000", metric: "collected", from: "2023-12-20", to: "2023-12-20") { edges { node { figure } } } }`
	figureOf := func(res map[string]any) int { return int(at(res, "data.progress.edges.0.node.figure").(float64)) }
	old := figureOf(post(t, b, admin, query, nil))
	correct := func(v int) {
		t.Helper()
		post(t, a, admin, `mutation($in: CorrectReportInput!) { correctReport(input: $in) { written } }`,
			map[string]any{"in": map[string]any{"campaign": "ref", "unitCode": "90000", "metric": "collected", "date": "2023-12-20",
				"value": v, "reason": "đính chính " + strconv.Itoa(v), "confirmAboveQuota": true}})
		<-g.started // A's refresh waits at the gate
	}

	correct(old + 10)
	start := time.Now()
	if got := at(gql(t, b, query), "progress.edges.0.node.figure"); int(got.(float64)) != old || time.Since(start) > time.Second {
		t.Fatalf("an anonymous read on B: %v after %s, want the stored %d at once", got, time.Since(start), old)
	}
	read := make(chan *httptest.ResponseRecorder, 1)
	go func() { read <- graphtest.Post(b, map[string]any{"query": query}, "Authorization", "Bearer "+admin) }()
	select {
	case rec := <-read:
		t.Fatalf("the writer's read on B did not wait for its write's figures: %s", rec.Body)
	case <-time.After(300 * time.Millisecond):
	}
	g.gate <- struct{}{}
	opened := time.Now()
	var res map[string]any
	if err := json.Unmarshal((<-read).Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	t.Logf("B answered the writer %s after A's refresh was let run", time.Since(opened).Round(time.Millisecond))
	if figureOf(res) != old+10 || at(res, "extensions.ownWritesPending") != nil {
		t.Fatalf("the writer's read on B: %v, want figure %d", res, old+10)
	}

	// Held past the bound: the stored figure, said to be pending.
	correct(old + 20)
	start = time.Now()
	res = post(t, b, admin, query, nil)
	if took := time.Since(start); figureOf(res) != old+10 || at(res, "extensions.ownWritesPending") != true || took < app.OwnWritesWait {
		t.Fatalf("the writer's read on B with its refresh held: %v after %s, want figure %d, ownWritesPending, after %s",
			res, took, old+10, app.OwnWritesWait)
	}
	g.gate <- struct{}{}
	if err := uses.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if res := post(t, b, admin, query, nil); figureOf(res) != old+20 || at(res, "extensions.ownWritesPending") != nil {
		t.Fatalf("the writer's read on B once refreshed: %v, want figure %d", res, old+20)
	}
}
