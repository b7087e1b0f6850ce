// Command subscribers measures live updates at scale (issue 14: 1,000 live
// connections on one instance, one update each per commit, delivered
// within 1 s, RSS ≤ 300 MB). Against a running server it opens N
// connections to one campaign's figures updates, Server-Sent Events
// (/events?campaign=…) and graphql-ws subscriptions (figuresUpdated over
// graphql-transport-ws on /graphql), half each by default; checks with
// warm-up writes that every one hears its updates; then corrects one
// commune's figure M times through the API (correctReport with an admin
// token), one commit at a time, and times every connection from the
// mutation's acknowledgement to its update. The update follows the
// figures' background refresh: what is measured is write → figures
// refresh → NOTIFY → every subscriber.
//
//	go run ./bench/subscribers -url http://127.0.0.1:8080 -token SECRET -server-pid PID
//
// One line per commit: the connections that had the update within
// -timeout (delivered) and those that did not (missing: the refused and
// the ended connections count as missing too), and the latencies'
// quantiles; at the end the totals and the server's peak RSS. It exits 1
// when an update is missing or a write failed.
//
// The server holds 1,000 subscribers in all (LIVE_MAX_SUBSCRIBERS) and 20
// per client address (LIVE_PER_ADDRESS) by default: the connections come
// from 127.0.0.2, 127.0.0.3, …, -per-address each (Linux routes all of
// 127/8 to lo), so 1,000 of them fit the defaults. With -spread=false they
// all come from one address, and the server needs LIVE_PER_ADDRESS ≥ N.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	origin := flag.String("url", "http://127.0.0.1:8080", "the server's origin")
	n := flag.Int("n", 1000, "live connections")
	m := flag.Int("m", 5, "commits measured")
	mode := flag.String("transport", "mix", "sse, ws, or mix (alternately)")
	campaign := flag.String("campaign", "ben-tre-cong-dan-so", "the campaign subscribed to and written")
	metric := flag.String("metric", "collected", "the metric corrected")
	date := flag.String("date", "2023-11-14", "the day corrected (empty: the latest day with figures)")
	scope := flag.String("scope", "", "scopeCode of the graphql-ws subscriptions (echoed back)")
	token := flag.String("token", os.Getenv("ADMIN_TOKEN"), "an admin token [ADMIN_TOKEN]")
	perAddr := flag.Int("per-address", 20, "connections per source address (at most the server's LIVE_PER_ADDRESS)")
	spread := flag.Bool("spread", true, "connect from 127.0.0.2, 127.0.0.3, … (-per-address each; a loopback -url); false: all from the default address")
	parallel := flag.Int("parallel", 32, "connections opened at once")
	timeout := flag.Duration("timeout", 10*time.Second, "how long after its acknowledgement a commit's update may take (later: missing)")
	gap := flag.Duration("gap", 2*time.Second, "pause between commits")
	warmups := flag.Int("warmups", 3, "warm-up writes at most (not measured), until every connection has heard one")
	pid := flag.Int("server-pid", 0, "the server's process id: RSS from /proc/PID/status (peak: VmHWM); 0: sampled from /metrics")
	name := flag.String("name", "subscribers", "label of the result lines")
	flag.Parse()
	if *token == "" || *n <= 0 || *m <= 0 || *perAddr <= 0 || *parallel <= 0 || !slices.Contains([]string{"sse", "ws", "mix"}, *mode) {
		fmt.Fprintln(os.Stderr, "subscribers: -token (or ADMIN_TOKEN), positive -n, -m, -per-address and -parallel, and -transport sse, ws or mix are needed")
		os.Exit(2)
	}
	a := &api{origin: strings.TrimSuffix(strings.TrimSuffix(*origin, "/"), "/graphql"), token: *token, http: &http.Client{Timeout: 30 * time.Second}}
	t, err := a.pick(*campaign, *metric, *date)
	if err != nil {
		fail(err)
	}
	mem := &memory{pid: *pid, api: a}
	clients, err := sourceClients(*n, *perAddr, *spread)
	if err != nil {
		fail(err)
	}
	fmt.Printf("# %s: %d connections (%s) to %s, campaign %s; writes correct %s of commune %s on %s (figure %d)\n",
		*name, *n, *mode, a.origin, *campaign, *metric, t.unit, t.date, t.figure)
	if err := mem.resetPeak(); err != nil {
		fmt.Printf("# the server's peak RSS could not be reset (%v): the peak reported is since it started\n", err)
	}
	idle, idleErr := mem.sample()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := &bench{n: *n, api: a, target: t, timeout: *timeout, name: *name, mode: *mode, kinds: map[string]int{}}
	b.open(ctx, clients, *perAddr, *parallel, func(ctx context.Context, i int, hc *http.Client) (*subscriber, error) {
		if kindOf(*mode, i) == "sse" {
			return openSSE(ctx, hc, a.origin, *campaign)
		}
		return openWS(ctx, hc, a.origin, *campaign, *scope)
	})
	b.warmUp(*warmups, *gap)
	subscribed, subErr := mem.sample()
	all, failed := b.measure(*m, *gap, mem)
	end, endErr := mem.sample()
	peak, what, peakErr := mem.peak()

	want := b.n * *m
	fmt.Printf("%s total commits=%d/%d deliveries=%d/%d missing=%d %s within_1s=%d extra_events=%d dropped_events=%d\n",
		*name, *m-failed, *m, len(all), want, want-len(all), quantiles(all), within(all, time.Second), b.extra, b.dropped())
	fmt.Printf("%s server_rss_mib idle=%s subscribed=%s end=%s peak=%s (%s)\n",
		*name, mib(idle, idleErr), mib(subscribed, subErr), mib(end, endErr), mib(peak, peakErr), what)
	b.reportEnded()
	met := failed == 0 && len(all) == want && peakErr == nil && peak <= 300 && slices.Max(append(all, 0)) <= time.Second
	fmt.Printf("%s target (every update within 1 s, peak RSS ≤ 300 MiB): %s\n", *name, map[bool]string{true: "met", false: "NOT met"}[met])
	if failed > 0 || len(all) < want {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "subscribers:", err)
	os.Exit(1)
}

// bench holds the connections and measures the commits.
type bench struct {
	n       int
	subs    []*subscriber // nil: a connection that could not be opened
	kinds   map[string]int
	api     *api
	target  *target
	timeout time.Duration
	name    string
	mode    string // sse, ws or mix
	extra   int    // events beyond each commit's first, and between commits
}

// kindOf says which transport connection i uses.
func kindOf(mode string, i int) string {
	if mode == "sse" || (mode == "mix" && i%2 == 0) {
		return "sse"
	}
	return "ws"
}

type opener func(ctx context.Context, i int, hc *http.Client) (*subscriber, error)

// open opens the n connections, parallel at a time, connection i through
// clients[i/perAddr], and prints how many opened and why the others did not.
func (b *bench) open(ctx context.Context, clients []*http.Client, perAddr, parallel int, open opener) {
	began := time.Now()
	b.subs = make([]*subscriber, b.n)
	errs := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	for i := range b.n {
		hc := clients[min(i/perAddr, len(clients)-1)]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			s, err := open(ctx, i, hc)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[err.Error()]++
				return
			}
			b.subs[i] = s
		})
	}
	wg.Wait()
	opened := 0
	for i, s := range b.subs {
		b.kinds[kindOf(b.mode, i)]++
		if s != nil {
			opened++
		}
	}
	fmt.Printf("# opened %d/%d connections (sse %d, ws %d) from %d source address(es) in %.1f s\n",
		opened, b.n, b.kinds["sse"], b.kinds["ws"], len(clients), time.Since(began).Seconds())
	printCounts("not opened", errs)
}

// warmUp writes until every open connection has heard a write (at most
// tries writes): a graphql-ws subscription is not acknowledged, so hearing
// an update is how one knows it is in place.
func (b *bench) warmUp(tries int, gap time.Duration) {
	heard := make([]bool, b.n)
	count := 0
	began := time.Now()
	w := 0
	for w < tries && count < b.opened() {
		if w > 0 {
			time.Sleep(gap)
		}
		w++
		ack, _, err := b.write()
		if err != nil {
			fail(fmt.Errorf("warm-up write: %w", err))
		}
		r := b.collect(ack)
		for i, h := range r.heard {
			if h && !heard[i] {
				heard[i] = true
				count++
			}
		}
	}
	fmt.Printf("# subscribed: %d/%d connections heard a warm-up write (%d write(s), %.1f s)\n", count, b.n, w, time.Since(began).Seconds())
}

// opened counts the connections that opened.
func (b *bench) opened() int {
	n := 0
	for _, s := range b.subs {
		if s != nil {
			n++
		}
	}
	return n
}

// measure writes m times, gap apart, and prints what the connections
// heard of each commit; it returns every delivery's latency and how many
// writes failed.
func (b *bench) measure(m int, gap time.Duration, mem *memory) (all []time.Duration, failed int) {
	for k := 1; k <= m; k++ {
		time.Sleep(gap)
		ack, took, err := b.write()
		if err != nil {
			failed++
			fmt.Printf("%s commit=%d write failed: %v\n", b.name, k, err)
			continue
		}
		r := b.collect(ack)
		all = append(all, r.lat...)
		rss, rssErr := mem.sample()
		fmt.Printf("%s commit=%d connections=%d delivered=%d missing=%d ack_ms=%.1f %s within_1s=%d early=%d versions=%d%s server_rss_mib=%s\n",
			b.name, k, b.n, len(r.lat), b.n-len(r.lat), ms(took), quantiles(r.lat), within(r.lat, time.Second), r.early, len(r.versions),
			r.byKind(b.kinds, b.mode), mib(rss, rssErr))
	}
	time.Sleep(gap)
	b.drain() // what came after the last commit's first update
	return all, failed
}

// write drops what the connections heard before it (counted as extra),
// then corrects the target and returns when the mutation is acknowledged.
func (b *bench) write() (ack time.Time, took time.Duration, err error) {
	b.drain()
	t0 := time.Now()
	err = b.api.correct(b.target)
	ack = time.Now()
	return ack, ack.Sub(t0), err
}

// drain counts and drops the events waiting on every connection.
func (b *bench) drain() {
	for _, s := range b.subs {
		for s != nil {
			select {
			case _, ok := <-s.events:
				if !ok {
					s = nil
					continue
				}
				b.extra++
			default:
				s = nil
			}
		}
	}
}

func (b *bench) dropped() int64 {
	var n int64
	for _, s := range b.subs {
		if s != nil {
			n += s.dropped.Load()
		}
	}
	return n
}

// reportEnded prints why connections ended during the run.
func (b *bench) reportEnded() {
	errs := map[string]int{}
	for _, s := range b.subs {
		if s == nil {
			continue
		}
		select {
		case _, ok := <-s.events:
			if !ok {
				errs[fmt.Sprint(s.err)]++
			}
		default:
		}
	}
	printCounts("ended during the run", errs)
}

func printCounts(what string, errs map[string]int) {
	msgs := make([]string, 0, len(errs))
	for msg := range errs {
		msgs = append(msgs, msg)
	}
	slices.SortFunc(msgs, func(x, y string) int { return cmp.Or(errs[y]-errs[x], strings.Compare(x, y)) })
	for _, msg := range msgs[:min(len(msgs), 5)] {
		fmt.Printf("# %s: %d× %s\n", what, errs[msg], msg)
	}
	if len(msgs) > 5 {
		fmt.Printf("# %s: %d other reasons\n", what, len(msgs)-5)
	}
}
