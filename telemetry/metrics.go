// Package telemetry is the operators' view of a running server: Prometheus
// metrics (served at /metrics) and OpenTelemetry traces (exported over OTLP
// when OTEL_EXPORTER_OTLP_ENDPOINT is set), HTTP → resolver → SQL.
//
// The metrics are package-level collectors on one registry, as Prometheus
// clients usually keep them: every part of the server records into them
// without carrying a handle, and labels stay bounded (operation labels are
// the schema's root field names, never a client's text).
package telemetry

import (
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "tiendo"

// Registry holds every metric the server exports (with the Go runtime's and
// the process's).
var Registry = prometheus.NewRegistry()

var (
	requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "http_requests_total",
		Help: "HTTP requests answered, by route, GraphQL operation (root field) and status code.",
	}, []string{"route", "operation", "status"})
	latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route and GraphQL operation (root field).",
		Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5, 10},
	}, []string{"route", "operation"})
	cache = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "cache_requests_total",
		Help: "Cache lookups by layer (response, ranking, query, apq, …) and result (hit, miss).",
	}, []string{"layer", "result"})
	refresh = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "figures_refresh_duration_seconds",
		Help:    "Time to bring a campaign's figures up to date after writes or a new day, by trigger.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
	}, []string{"trigger"})
	figuresBehind = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: namespace, Name: "figures_behind_seconds",
		Help:    "From a write's acknowledgement to the commit of the figures refresh covering it (the earliest write each refresh covers).",
		Buckets: []float64{.05, .1, .2, .5, .75, 1, 1.5, 2, 3, 5, 10, 30, 60},
	})
	publicationLag = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace, Name: "publication_lag_seconds",
		Help: "How long after its deadline (plus grace) a campaign's last bulletin was published.",
	}, []string{"campaign"})
	replicaLag = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace, Name: "replica_lag_seconds",
		Help: "How far each read replica's replay is behind the primary (measured against sampled primary positions).",
	}, []string{"replica"})
	replicaServing = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace, Name: "replica_serving",
		Help: "1 when a read replica is up and within the allowed lag (it takes reads), else 0.",
	}, []string{"replica"})
	refusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "rate_limit_refusals_total",
		Help: "Requests refused by the rate limiter, by who was limited (address, token).",
	}, []string{"by"})
	queries = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "db_query_duration_seconds",
		Help:    "Time of each SQL statement, by pool (primary, replica) and outcome.",
		Buckets: []float64{.0002, .0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 5},
	}, []string{"pool", "outcome"})
)

func init() {
	Registry.MustRegister(requests, latency, cache, refresh, figuresBehind, publicationLag, replicaLag, replicaServing, refusals, queries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// Handler serves the registry in Prometheus' text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry})
}

// CacheHit and CacheMiss count a lookup in a cache layer.
func CacheHit(layer string)  { cacheCounter(layer, "hit").Inc() }
func CacheMiss(layer string) { cacheCounter(layer, "miss").Inc() }

var cacheCounters known[[2]string, prometheus.Counter]

func cacheCounter(layer, result string) prometheus.Counter {
	return cacheCounters.get([2]string{layer, result}, func(k [2]string) prometheus.Counter { return cache.WithLabelValues(k[0], k[1]) })
}

// ObserveRefresh records how long a figures refresh took.
func ObserveRefresh(trigger string, d time.Duration) {
	refresh.WithLabelValues(trigger).Observe(d.Seconds())
}

// ObserveFiguresBehind records how long after a write's acknowledgement
// the refresh covering it committed.
func ObserveFiguresBehind(d time.Duration) { figuresBehind.Observe(d.Seconds()) }

// SetPublicationLag records how late a campaign's bulletin was published.
func SetPublicationLag(campaign string, d time.Duration) {
	publicationLag.WithLabelValues(campaign).Set(d.Seconds())
}

// SetReplica records a replica's measured lag and whether it takes reads.
func SetReplica(name string, lag time.Duration, serving bool) {
	replicaLag.WithLabelValues(name).Set(lag.Seconds())
	v := 0.0
	if serving {
		v = 1
	}
	replicaServing.WithLabelValues(name).Set(v)
}

// RateLimited counts a refused request (by: "address" or "token").
func RateLimited(by string) { refusals.WithLabelValues(by).Inc() }

// poolCollector exports a pgx pool's statistics at scrape time.
type poolCollector struct {
	name                                  string
	pool                                  *pgxpool.Pool
	total, idle, acquired, maxConns, wait *prometheus.Desc
	acquires, empty                       *prometheus.Desc
}

// RegisterPool exports pool's statistics under name ("primary", "replica
// 127.0.0.1:5433"): connections in use, idle and at most, and how often and
// how long acquiring one waited.
func RegisterPool(name string, pool *pgxpool.Pool) error {
	labels := prometheus.Labels{"pool": name}
	d := func(n, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_pool", n), help, nil, labels)
	}
	return Registry.Register(&poolCollector{
		name: name, pool: pool,
		total:    d("connections", "Connections open."),
		idle:     d("idle_connections", "Connections open and idle."),
		acquired: d("acquired_connections", "Connections in use."),
		maxConns: d("max_connections", "The most connections the pool opens."),
		wait:     d("acquire_wait_seconds_total", "Time spent waiting for a connection."),
		acquires: d("acquires_total", "Connections acquired."),
		empty:    d("empty_acquires_total", "Acquires that had to wait for a connection."),
	})
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.total, c.idle, c.acquired, c.maxConns, c.wait, c.acquires, c.empty} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(c.total, prometheus.GaugeValue, float64(s.TotalConns()))
	ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(c.acquired, prometheus.GaugeValue, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(c.maxConns, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(c.wait, prometheus.CounterValue, s.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(c.acquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(c.empty, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
}

func statusText(code int) string { return strconv.Itoa(code) }
