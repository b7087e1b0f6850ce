package live_test

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/live"
)

func TestServerSentEvents(t *testing.T) {
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hub := live.New(10, 1)
	go hub.Run(ctx, store, slog.New(slog.DiscardHandler))
	for !hub.Ready() {
		time.Sleep(5 * time.Millisecond)
	}
	srv := httptest.NewServer(live.SSE(hub, &live.StoreCampaigns{DB: store}, func(r *http.Request) string { return "one address" }))
	defer srv.Close()

	if res, err := http.Get(srv.URL + "?campaign=no-such"); err != nil || res.StatusCode != 404 {
		t.Fatalf("unknown campaign: %v %v", res.Status, err)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"?campaign=ref", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	if res2, err := http.Get(srv.URL + "?campaign=ref"); err != nil || res2.StatusCode != 429 {
		t.Fatalf("a second stream from the same address past its bound: %v %v", res2.Status, err)
	}
	for hub.Count() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := store.Pool.Exec(ctx, `UPDATE figures_state SET updated_at = now() WHERE campaign_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	_, version, _ := store.FiguresVersion(ctx, c.ID)
	sc := bufio.NewScanner(res.Body)
	var event string
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "event: "); ok {
			event = name
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok && event == "figures" {
			var got struct{ Campaign, Version, ComputedTo string }
			if err := json.Unmarshal([]byte(data), &got); err != nil {
				t.Fatal(err)
			}
			if got.Campaign != "ref" || got.Version != version || got.ComputedTo == "" {
				t.Errorf("event %+v; want ref at %q", got, version)
			}
			return
		}
	}
	t.Fatalf("the stream ended without a figures event: %v", sc.Err())
}
