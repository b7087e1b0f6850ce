package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestTwoServerProcesses runs two server processes on one database: a
// write through the first is in the second's answers within a second (its
// caches notwithstanding), and a subscriber of the second's event stream
// hears it.
func TestTwoServerProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts two servers")
	}
	bin := buildServer(t)
	url := dbtest.NewURL(t)
	ctx := context.Background()
	store, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	dbtest.MustLoadExample(t, store)
	const admin = "two-servers-admin-secret-0123456789"
	a := &faultServer{t: t, bin: bin, url: url, admin: admin}
	b := &faultServer{t: t, bin: bin, url: url, admin: admin}
	a.start()
	defer a.kill()
	b.start()
	defer b.kill()

	req, _ := http.NewRequest("GET", b.base+"/events?campaign=ref", nil)
	events, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer events.Body.Close()
	heard := make(chan struct{}, 16)
	go func() {
		sc := bufio.NewScanner(events.Body)
		for sc.Scan() {
			if sc.Text() == "event: figures" {
				heard <- struct{}{}
			}
		}
	}()

	const figure = `{ progress(campaign: "ref", unitCode: "90000", metric: "collected", from: "2023-12-20", to: "2023-12-20") { edges { node { figure } } } }`
	read := func(s *faultServer) int {
		res, err := http.Get(s.base + "/graphql?query=" + strings.ReplaceAll(figure, " ", "%20"))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		v, ok := at(out, "data.progress.edges.0.node.figure").(float64)
		if !ok {
			t.Fatalf("read: %v", out)
		}
		return int(v)
	}
	base := read(b)
	read(b) // now in b's response cache
	var worst time.Duration
	for i := 1; i <= 5; i++ {
		want := base + 10*i
		body, _ := json.Marshal(map[string]any{"query": `mutation($in: CorrectReportInput!) { correctReport(input: $in) { written } }`,
			"variables": map[string]any{"in": map[string]any{"campaign": "ref", "unitCode": "90000", "metric": "collected",
				"date": "2023-12-20", "value": want, "reason": "đính chính " + strconv.Itoa(i), "confirmAboveQuota": true}}})
		req, _ := http.NewRequest("POST", a.base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("write through the first server: %v %v", res.Status, err)
		}
		res.Body.Close()
		written := time.Now()
		for read(b) != want {
			if time.Since(written) > 5*time.Second {
				t.Fatalf("write %d: the second server still answers the old figure after 5 s", i)
			}
			time.Sleep(5 * time.Millisecond)
		}
		worst = max(worst, time.Since(written))
		select {
		case <-heard:
		case <-time.After(5 * time.Second):
			t.Fatalf("write %d: the second server's event stream said nothing", i)
		}
	}
	if worst > time.Second {
		t.Errorf("a write through one server reached the other's answers after %v, want ≤ 1 s", worst)
	}
	t.Logf("worst delay from a write on one server to the other's answer: %v", worst)
}
