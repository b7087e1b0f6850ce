package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// result is what the connections heard of one commit.
type result struct {
	lat      []time.Duration            // each delivery's latency from the acknowledgement
	kinds    map[string][]time.Duration // the same by transport
	heard    []bool                     // by connection
	versions map[string]int             // the figures versions announced (1 expected)
	early    int                        // deliveries before the acknowledgement (counted as 0)
}

// collect takes each connection's first event since the write, waiting
// until timeout after the acknowledgement; a connection without one by then
// is missing.
func (b *bench) collect(ack time.Time) result {
	r := result{kinds: map[string][]time.Duration{}, heard: make([]bool, len(b.subs)), versions: map[string]int{}}
	timer := time.NewTimer(time.Until(ack.Add(b.timeout)))
	defer timer.Stop()
	expired := false
	for i, s := range b.subs {
		if s == nil {
			continue
		}
		var st stamp
		var ok bool
		if !expired {
			select {
			case st, ok = <-s.events:
			case <-timer.C:
				expired = true
			}
		}
		if expired && !ok {
			select {
			case st, ok = <-s.events:
			default:
			}
		}
		if !ok {
			continue
		}
		d := st.at.Sub(ack)
		if d < 0 {
			r.early++
			d = 0
		}
		r.lat = append(r.lat, d)
		r.kinds[s.kind] = append(r.kinds[s.kind], d)
		r.heard[i] = true
		r.versions[st.version]++
	}
	return r
}

// byKind describes the deliveries by transport when both are used.
func (r result) byKind(want map[string]int, mode string) string {
	if mode != "mix" {
		return ""
	}
	s := ""
	for _, k := range []string{"sse", "ws"} {
		d := slices.Clone(r.kinds[k])
		p99 := "-"
		if len(d) > 0 {
			slices.Sort(d)
			p99 = fmt.Sprintf("%.1f", quantile(d, 0.99))
		}
		s += fmt.Sprintf(" %s=%d/%d %s_p99_ms=%s", k, len(d), want[k], k, p99)
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// quantiles formats p50, p99 and max of d (sorting it).
func quantiles(d []time.Duration) string {
	if len(d) == 0 {
		return "p50_ms=- p99_ms=- max_ms=-"
	}
	slices.Sort(d)
	return fmt.Sprintf("p50_ms=%.1f p99_ms=%.1f max_ms=%.1f", quantile(d, 0.50), quantile(d, 0.99), ms(d[len(d)-1]))
}

// quantile returns the p-quantile of the sorted d, in milliseconds.
func quantile(d []time.Duration, p float64) float64 {
	return ms(d[max(0, int(math.Ceil(p*float64(len(d))))-1)])
}

func within(d []time.Duration, limit time.Duration) int {
	n := 0
	for _, x := range d {
		if x <= limit {
			n++
		}
	}
	return n
}
