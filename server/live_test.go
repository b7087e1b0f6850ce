package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestLiveUpdates subscribes over graphql-ws and over Server-Sent Events
// on a server whose request deadlines are short, waits past them, then
// changes the campaign's figures: both hear it.
func TestLiveUpdates(t *testing.T) {
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	so, cfgWithScale := liveConfig(t, store)
	srv := httptest.NewUnstartedServer(httpapi.NewRouter(store, testConfig(), quiet))
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = time.Second, time.Second
	srv.Start()
	defer srv.Close()
	srv.Config.Handler = httpapi.NewRouter(store, cfgWithScale, quiet)

	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	type msg struct {
		ID      string         `json:"id,omitempty"`
		Type    string         `json:"type"`
		Payload map[string]any `json:"payload,omitempty"`
	}
	wsjson.Write(ctx, ws, msg{Type: "connection_init"})
	var m msg
	if err := wsjson.Read(ctx, ws, &m); err != nil || m.Type != "connection_ack" {
		t.Fatalf("init: %+v %v", m, err)
	}
	wsjson.Write(ctx, ws, msg{ID: "1", Type: "subscribe", Payload: map[string]any{
		"query": `subscription { figuresUpdated(campaign: "ref", scopeCode: "90") { campaign scopeCode version computedTo } }`}})

	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/events?campaign=ref", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()

	for so.hub.Count() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(2500 * time.Millisecond) // past the server's 1 s deadlines
	if _, err := store.Pool.Exec(ctx, `UPDATE figures_state SET updated_at = now() WHERE campaign_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	_, version, _ := store.FiguresVersion(ctx, c.ID)

	if err := wsjson.Read(ctx, ws, &m); err != nil || m.Type != "next" {
		t.Fatalf("subscription: %+v %v", m, err)
	}
	got := m.Payload["data"].(map[string]any)["figuresUpdated"].(map[string]any)
	if got["campaign"] != "ref" || got["scopeCode"] != "90" || got["version"] != version || got["computedTo"] == nil {
		t.Errorf("subscription event %v; want ref at %q", got, version)
	}

	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if sc.Text() == "event: figures" {
			return
		}
	}
	t.Fatalf("the event stream ended without the change: %v", sc.Err())
}

// TestLiveCarriesSubscriptionsOnly: the WebSocket at /graphql runs
// subscriptions; a query or a mutation sent over it is refused, saying where
// it belongs. Found by a hostile-load audit: queries run over it had no
// request deadline and no rate limit (one ran 38 s; five on one connection
// took 1.9 GB).
func TestLiveCarriesSubscriptionsOnly(t *testing.T) {
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, cfg := liveConfig(t, store)
	srv := httptest.NewServer(httpapi.NewRouter(store, cfg, quiet))
	defer srv.Close()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	type msg struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	wsjson.Write(ctx, ws, msg{Type: "connection_init"})
	var m msg
	if err := wsjson.Read(ctx, ws, &m); err != nil || m.Type != "connection_ack" {
		t.Fatalf("init: %+v %v", m, err)
	}
	for i, q := range []string{`{ campaigns { totalCount } }`, `mutation { submitReports(input: {campaign: "ref", clientKey: "k", reports: []}) { written } }`} {
		id := fmt.Sprint(i)
		p, _ := json.Marshal(map[string]any{"query": q})
		wsjson.Write(ctx, ws, msg{ID: id, Type: "subscribe", Payload: p})
		// Its errors come as "next" (then "complete") or as "error".
		said := ""
		for m.Type = ""; m.Type != "complete" && m.Type != "error"; {
			if err := wsjson.Read(ctx, ws, &m); err != nil || m.ID != id {
				t.Fatalf("%s over the WebSocket: %+v %v", q, m, err)
			}
			said += string(m.Payload)
		}
		want := map[int]string{0: "send a query over HTTP", 1: "send a mutation over HTTP"}[i]
		if !strings.Contains(said, want) || strings.Contains(said, `"data":{`) {
			t.Errorf("%s over the WebSocket: %s, want only an error saying it goes over HTTP", q, said)
		}
	}
}
