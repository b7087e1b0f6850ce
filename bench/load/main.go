// Command load sends one GraphQL query to a server from N concurrent
// clients for a fixed time or number of requests and prints throughput and
// latency percentiles. It only talks to the address it is given (loopback
// in the benchmark), and stops by itself, or when interrupted (SIGINT,
// SIGTERM: it then prints what it measured so far).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"
	"time"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint")
	query := flag.String("query", "", "GraphQL query")
	conc := flag.Int("c", 16, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "how long to send for")
	maxReq := flag.Int("n", 1_000_000, "most requests to send")
	warm := flag.Int("warm", 50, "requests sent first and not measured")
	name := flag.String("name", "query", "label for the result line")
	get := flag.Bool("get", false, "send the query with GET (as a cache or CDN in front would see it) instead of POST")
	rate := flag.Float64("rate", 0, "requests per second on a fixed schedule (open loop: up to -c in flight, each latency counted from its scheduled start, so a server falling behind shows as latency, not fewer requests); 0 sends as fast as -c clients can")
	encoding := flag.String("accept-encoding", "gzip", `the Accept-Encoding of the measured requests ("" for none); their answers are read as sent, not decompressed (that is the client's work, and it would share the server's cores)`)
	flag.Parse()
	body, _ := json.Marshal(map[string]string{"query": *query})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc, DisableCompression: true}, Timeout: 30 * time.Second}
	getURL := *url + "?query=" + neturl.QueryEscape(*query)
	// send asks once; the warm-up asks without compression, so its answers
	// are checked for errors too.
	send := func(accept string, t time.Time) (time.Duration, error) {
		req, err := http.NewRequest(http.MethodPost, *url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if *get {
			req, err = http.NewRequest(http.MethodGet, getURL, nil)
		}
		if err != nil {
			return 0, err
		}
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") == "" && bytes.Contains(b, []byte(`"errors"`)) {
			return 0, fmt.Errorf("status %d: %.300s", resp.StatusCode, b)
		}
		return time.Since(t), nil
	}
	for range *warm {
		if _, err := send("", time.Now()); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var mu sync.Mutex
	var lat []time.Duration
	var failures int
	deadline := time.Now().Add(*dur)
	start := time.Now()
	var wg sync.WaitGroup
	var count int
	// next is when the next request is due: now in a closed loop, on the
	// schedule with -rate (nil: stop).
	var sched chan time.Time
	if *rate > 0 {
		sched = make(chan time.Time, *conc)
		go func() {
			defer close(sched)
			every := time.Duration(float64(time.Second) / *rate)
			for at := start; at.Before(deadline) && ctx.Err() == nil; at = at.Add(every) {
				time.Sleep(time.Until(at))
				mu.Lock()
				full := count >= *maxReq
				count++
				mu.Unlock()
				if full {
					return
				}
				sched <- at // blocks while -c are in flight: the wait counts in their latency
			}
		}()
	}
	next := func() (time.Time, bool) {
		if sched != nil {
			at, ok := <-sched
			return at, ok
		}
		mu.Lock()
		defer mu.Unlock()
		if count >= *maxReq || !time.Now().Before(deadline) || ctx.Err() != nil {
			return time.Time{}, false
		}
		count++
		return time.Now(), true
	}
	for range *conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				at, ok := next()
				if !ok {
					return
				}
				d, err := send(*encoding, at)
				mu.Lock()
				if err != nil {
					failures++
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	fmt.Printf("%s requests=%d failures=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f\n",
		*name, len(lat), failures, float64(len(lat))/elapsed.Seconds(), pct(0.50), pct(0.90), pct(0.99))
	if failures > 0 {
		os.Exit(1)
	}
}
