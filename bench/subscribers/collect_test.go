package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestCollectCountsMissing: of four connections (one never opened, one
// ended, one silent, one that heard the commit) one delivery is counted,
// and the line's missing count is the other three.
func TestCollectCountsMissing(t *testing.T) {
	ended, silent, heard := newSubscriber("ws"), newSubscriber("sse"), newSubscriber("ws")
	ended.end(errors.New("subscription refused: 20 live subscriptions from one address at most"))
	ack := time.Now()
	heard.events <- stamp{ack.Add(300 * time.Millisecond), "v2"}
	b := &bench{n: 4, subs: []*subscriber{nil, ended, silent, heard}, timeout: 50 * time.Millisecond}
	r := b.collect(ack)
	if len(r.lat) != 1 || r.lat[0] != 300*time.Millisecond || !r.heard[3] || r.heard[2] || r.versions["v2"] != 1 {
		t.Fatalf("collect = %+v; want one delivery of 300 ms, by the last connection", r)
	}
	if got := r.byKind(map[string]int{"sse": 2, "ws": 2}, "mix"); got != " sse=0/2 sse_p99_ms=- ws=1/2 ws_p99_ms=300.0" {
		t.Errorf("byKind = %q", got)
	}
	if q := quantiles(r.lat); !strings.Contains(q, "max_ms=300.0") {
		t.Errorf("quantiles = %q", q)
	}
}
