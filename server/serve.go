package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/rs/cors"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/episode"
	"github.com/tiendo-vn/tiendo/figures"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/portal"
	"github.com/tiendo-vn/tiendo/publish"
	"github.com/tiendo-vn/tiendo/telemetry"
)

// tuneGC collects garbage less often than Go's default, unless the
// operator chose with GOGC or GOMEMLIMIT: an API request's garbage (one
// allocation or more per field answered) is short-lived, and at the
// default every few requests start a collection. A soft limit keeps the
// process small when the heap grows (the response cache is in it).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(180 << 20)
	}
}

// serveConfig is what the HTTP side needs.
type serveConfig struct {
	listenAddr     string
	corsOrigins    string
	requestTimeout time.Duration
	maxBodyBytes   int64
	limits         graph.Limits
	quotaFactor    float64
	publishGrace   time.Duration // after a day's report deadline, before its bulletin is published
	publishEvery   time.Duration // how often to look for bulletins due (0: never)
	contact        string        // where readers report an error ("" for none)
	figuresEvery   time.Duration // how often the figures worker looks for figures due
	siteURL        string        // the public origin feeds link with (see siteURLFor)
	// jobs lists the background jobs failing now, for /readyz (nil: none run).
	jobs func() []string
	// scale is the replicas, announcements and metrics (nil in tests that
	// do not start them).
	scale *scaleOut
}

// Rate limits by default, in points (an answer from the response cache
// costs 1, a query 1 per started 200 of its complexity): per client
// address, enough for fifty readers behind one address (a newsroom, a
// carrier's NAT) opening the portal at once with nothing cached (about 30
// points each); per token, for reporters' and admins' tools.
const (
	defaultRateLimit      = 200
	defaultRateBurst      = 2000
	defaultTokenRateLimit = 500
	defaultTokenRateBurst = 1000
)

func cmdServe(ctx context.Context, args []string, stderr io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var dbf dbFlags
	dbf.register(fs)
	var cfg serveConfig
	fs.StringVar(&cfg.listenAddr, "listen", envOr("LISTEN_ADDR", ":8080"), "address to listen on [LISTEN_ADDR]")
	fs.StringVar(&cfg.corsOrigins, "cors-origins", envOr("CORS_ALLOWED_ORIGINS", ""), "comma-separated origins allowed to send tokens (Authorization) from a browser, * for any; reads are open to every origin [CORS_ALLOWED_ORIGINS]")
	fs.DurationVar(&cfg.publishGrace, "publish-grace", envDuration("PUBLISH_GRACE", 30*time.Minute), "how long after a day's report deadline its bulletin is published by itself [PUBLISH_GRACE]")
	fs.DurationVar(&cfg.publishEvery, "publish-every", envDuration("PUBLISH_EVERY", time.Minute), "how often to publish the bulletins due; 0: only by publishBulletin [PUBLISH_EVERY]")
	fs.DurationVar(&cfg.figuresEvery, "figures-every", envDuration("FIGURES_EVERY", time.Second), "how often to look for figures due: writes whose refresh did not run, days whose deadline passed [FIGURES_EVERY]")
	fs.DurationVar(&cfg.requestTimeout, "request-timeout", envDuration("REQUEST_TIMEOUT", 15*time.Second), "deadline of one API request [REQUEST_TIMEOUT]")
	fs.Int64Var(&cfg.maxBodyBytes, "max-body", 1<<20, "largest request body in bytes")
	fs.IntVar(&cfg.limits.Complexity, "max-complexity", 5000, "largest query cost")
	fs.IntVar(&cfg.limits.Depth, "max-depth", 12, "deepest query nesting")
	fs.Float64Var(&cfg.quotaFactor, "quota-factor", envFloat("QUOTA_FACTOR", db.DefaultQuotaFactor), "reject a reported figure above its quota times this factor unless confirmed; negative: no check [QUOTA_FACTOR]")
	fs.Float64Var(&cfg.limits.Rate.PerSecond, "rate-limit", envFloat("RATE_LIMIT", defaultRateLimit), "API points per second per client address without a token (a cached answer costs 1, a query 1 per 200 of its complexity); 0: no limit [RATE_LIMIT]")
	fs.IntVar(&cfg.limits.Rate.Burst, "rate-burst", envInt("RATE_BURST", defaultRateBurst), "API points a client address may spend at once [RATE_BURST]")
	fs.Float64Var(&cfg.limits.Rate.TokenPerSecond, "token-rate-limit", envFloat("TOKEN_RATE_LIMIT", defaultTokenRateLimit), "API points per second per token; 0: no limit [TOKEN_RATE_LIMIT]")
	fs.IntVar(&cfg.limits.Rate.TokenBurst, "token-rate-burst", envInt("TOKEN_RATE_BURST", defaultTokenRateBurst), "API points a token may spend at once [TOKEN_RATE_BURST]")
	cacheMB := fs.Int("response-cache-mb", envInt("RESPONSE_CACHE_MB", 64), "memory for answers to repeated anonymous queries, served until anything is committed; 0: no cache [RESPONSE_CACHE_MB]")
	trustedProxies := fs.String("trusted-proxies", envOr("TRUSTED_PROXIES", ""), "comma-separated CIDR prefixes or addresses of reverse proxies whose X-Forwarded-For names the client; empty: X-Forwarded-For is ignored [TRUSTED_PROXIES]")
	fs.StringVar(&cfg.contact, "contact", envOr("CONTACT", ""), "where readers report an error in a figure (an e-mail address or URL), printed on every page [CONTACT]")
	fs.StringVar(&cfg.siteURL, "site-url", envOr("SITE_URL", ""), "the public origin of this server, e.g. https://tiendo.example.org, which the Atom feeds link with; empty: http:// and the listen address [SITE_URL]")
	demoFlag := fs.Bool("demo", false, "load the demo dataset if the database is empty")
	var scfg scaleConfig
	scfg.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	configured := cfg.siteURL != ""
	site, err := siteURLFor(cfg.siteURL, cfg.listenAddr)
	if err != nil {
		return err
	}
	cfg.siteURL = site
	if !configured {
		logger.Warn("--site-url (SITE_URL) is not set: the Atom feeds link to "+cfg.siteURL+"; set it to the address readers use", "site_url", cfg.siteURL)
	}
	tuneGC()
	cfg.limits.CacheBytes = *cacheMB << 20
	if *cacheMB <= 0 {
		cfg.limits.CacheBytes = -1
	}
	proxies, err := graph.ParseTrustedProxies(*trustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	cfg.limits.Rate.TrustedProxies = proxies
	store, closeStore, err := openStore(ctx, dbf, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	if cfg.scale, err = startScaleOut(ctx, store, scfg, logger); err != nil {
		return err
	}
	defer cfg.scale.close()
	if cfg.scale.replicas != nil {
		store.UseReplicas(cfg.scale.replicas)
	}
	// ADMIN_TOKEN bootstraps the first admin (an environment variable only:
	// a flag's value would show in help output and process lists).
	if err := bootstrapAdmin(ctx, store, os.Getenv("ADMIN_TOKEN"), logger); err != nil {
		return err
	}
	if *demoFlag {
		if err := loadDemoIfEmpty(ctx, store, stderr, logger); err != nil {
			return err
		}
	}
	// Figures heal themselves: writes whose refresh never ran (a crash), and
	// the days passing; reads never refresh. Bulletins publish themselves
	// once their day's deadline has passed; each edition once, even with
	// several servers.
	worker := &figures.Worker{DB: store, Logger: logger}
	pub := &publish.Service{DB: store, Logger: logger, Grace: cfg.publishGrace, RetryMin: cfg.publishEvery, SiteURL: cfg.siteURL, Contact: cfg.contact}
	cfg.jobs = func() []string { return failingJobs(worker.Failing(), pub.Failing()) }
	srv := &http.Server{
		Addr:              cfg.listenAddr,
		Handler:           newRouter(store, cfg, logger),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.requestTimeout + 15*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.listenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.listenAddr, err)
	}
	logger.Info("serving", "addr", ln.Addr().String(), "graphql", "/graphql", "graphiql", "/graphiql", "portal", "/")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go worker.Run(ctx, cfg.figuresEvery)
	if cfg.publishEvery > 0 {
		go pub.Run(ctx, cfg.publishEvery)
	}
	if addr := os.Getenv("PPROF_ADDR"); addr != "" {
		// Profiling for operators, on its own (loopback) address only.
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			logger.Info("pprof", "addr", addr, "err", http.ListenAndServe(addr, mux))
		}()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// siteURLFor checks a configured public origin (http or https, a host, no
// path), or makes one from the listen address when none is configured
// (":8080" is http://localhost:8080): the feeds' links never come from a
// request's Host header.
func siteURLFor(configured, listen string) (string, error) {
	if configured == "" {
		host, port, err := net.SplitHostPort(listen)
		if err != nil {
			return "http://localhost", nil
		}
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "localhost"
		}
		return "http://" + net.JoinHostPort(host, port), nil
	}
	u, err := url.Parse(configured)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("--site-url %q must be an origin such as https://tiendo.example.org (http or https, a host, no path)", configured)
	}
	return u.Scheme + "://" + u.Host, nil
}

// newRouter wires every route of the process.
func newRouter(store *db.DB, cfg serveConfig, logger *slog.Logger) http.Handler {
	bulletins := &publish.Service{DB: store, Logger: logger, Grace: cfg.publishGrace, SiteURL: cfg.siteURL, Contact: cfg.contact}
	health := graph.NewDBHealth(store, logger)
	bulletins.Outage = health.Failed
	res := &graph.Resolver{DB: store, Logger: logger, QuotaFactor: cfg.quotaFactor, Bulletins: bulletins, Contact: cfg.contact, Health: health}
	if cfg.scale != nil {
		res.Live = cfg.scale.hub
	}
	cfg.limits.Extensions = append(cfg.limits.Extensions, telemetry.GraphQL{}, newReadRouting(store))
	api := graph.LoaderMiddleware(store, graph.Timeout(cfg.requestTimeout, graph.NewHandler(res, cfg.limits)))
	mux := http.NewServeMux()
	graphqlRoute := telemetry.HTTP("graphql", limitBody(cfg.maxBodyBytes, compressed(api)))
	if cfg.scale != nil {
		addr := graph.ClientAddress(cfg.limits.Rate.TrustedProxies)
		cfg.scale.routes(mux, addr)
		graphqlRoute = liveUpgrades(graph.NewLiveHandler(res, cfg.limits), addr, graphqlRoute)
	}
	mux.Handle("/graphql", graphqlRoute)
	mux.Handle("/schema.graphql", graph.SchemaHandler())
	mux.Handle("/schema.json", graph.SchemaHandler())
	mux.Handle("/graphiql", portal.GraphiQLHandler("/graphql"))
	mux.Handle("/graphiql/", portal.GraphiQLHandler("/graphql"))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	// An orchestrator asks every few seconds: the log says when the answer
	// changes, not each time; an outage of the database is logged once,
	// with the API's (health).
	var notReady atomic.Int32 // 0 ready, 1 not ready (logged here), 2 the database's outage
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := store.Ready(ctx); err != nil {
			if health.Failed(r.Context(), err) {
				notReady.Store(2)
			} else if notReady.Swap(1) != 1 {
				logger.Warn("not ready", "err", err)
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "not ready: database unreachable or not migrated\n")
			return
		}
		if notReady.Swap(0) == 1 {
			logger.Info("ready again")
		}
		io.WriteString(w, "ready\n")
		if cfg.jobs != nil {
			// One campaign's trouble does not make the server unready; it
			// is listed for the operator.
			for _, line := range cfg.jobs() {
				io.WriteString(w, line+"\n")
			}
		}
		for _, line := range cfg.scale.readyLines() {
			io.WriteString(w, line+"\n")
		}
	})
	pages := bulletins.Handler()
	for _, p := range []string{"/bulletins/", "/downloads/", "/feeds/", "/embed/"} {
		mux.Handle(p, pages)
	}
	// Browsers ask every page for it; there is none, and none is an error.
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.WriteHeader(http.StatusNoContent)
	})
	mux.Handle("/", portal.Handler())
	return requestID(accessLog(logger, corsHandler(cfg.corsOrigins)(mux)))
}

// failingJobs describes, one line each, the campaigns whose figures or
// bulletins are failing now.
func failingJobs(figs, bulletins []episode.Episode) []string {
	var out []string
	for _, list := range []struct {
		what string
		eps  []episode.Episode
	}{{"figures", figs}, {"bulletins", bulletins}} {
		for _, e := range list.eps {
			out = append(out, fmt.Sprintf("%s of %s failing since %s (%d attempts, next at %s): %s", list.what, e.Key,
				e.Since.UTC().Format(time.RFC3339), e.Attempts, e.RetryAt.UTC().Format(time.RFC3339), e.Err))
		}
	}
	return out
}

// corsExposed are the response headers a page on another origin may read.
var corsExposed = []string{"X-Request-Id", "Retry-After", "ETag", "X-Cache", "RateLimit", "RateLimit-Policy"}

// corsHandler lets browsers call the API from other origins. Reads are
// public (open data): any origin may send requests without credentials,
// and reads the answer under Access-Control-Allow-Origin: *. A request
// that carries Authorization, or a preflight that asks to send it, is
// allowed only from the configured origins (comma-separated, * for any;
// none by default): from any other origin a preflight asking for it is
// refused, and an actual request carrying it gets no CORS headers, so the
// page cannot read the answer.
func corsHandler(origins string) func(http.Handler) http.Handler {
	var list []string
	for _, o := range strings.Split(origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			list = append(list, o)
		}
	}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodOptions}
	public := cors.New(cors.Options{
		AllowedOrigins: []string{"*"},
		AllowedMethods: methods,
		AllowedHeaders: []string{"Content-Type", "Accept", "X-Request-Id", "Apollographql-Client-Name", "Apollographql-Client-Version"},
		ExposedHeaders: corsExposed,
		MaxAge:         600,
	})
	var trusted *cors.Cors
	if len(list) > 0 { // (cors.New allows every origin when given none)
		trusted = cors.New(cors.Options{
			AllowedOrigins: list,
			AllowedMethods: methods,
			AllowedHeaders: []string{"Content-Type", "Accept", "X-Request-Id", "Apollographql-Client-Name", "Apollographql-Client-Version", "Authorization"},
			ExposedHeaders: corsExposed,
			MaxAge:         600,
		})
	}
	return func(next http.Handler) http.Handler {
		pub := public.Handler(next)
		var tr http.Handler
		if trusted != nil {
			tr = trusted.Handler(next)
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Header.Get("Origin") == "":
				next.ServeHTTP(w, r)
			case tr != nil && trusted.OriginAllowed(r):
				tr.ServeHTTP(w, r)
			case r.Header.Get("Authorization") != "":
				w.Header().Add("Vary", "Origin")
				next.ServeHTTP(w, r)
			default:
				w.Header().Add("Vary", "Origin")
				pub.ServeHTTP(w, r)
			}
		})
	}
}

// compressed answers with zstd or gzip when the client accepts it
// (Accept-Encoding; zstd when both are equal), an answer of 1 KB or more;
// Vary: Accept-Encoding says so to caches. Inside it the response cache
// stores and replays uncompressed answers.
func compressed(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024),
		gzhttp.ContentTypes([]string{"application/graphql-response+json", "application/json"}))
	if err != nil {
		panic(err) // fixed options: a failure is a bug a test catches
	}
	return wrap(next)
}

func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// requestID gives every request an id, echoed in X-Request-Id and carried by
// errors, so a client's report can be matched to the server's log.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(graph.WithRequestID(r.Context(), id)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			return
		}
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
			"ms", time.Since(start).Milliseconds(), "request_id", graph.RequestID(r.Context())}
		// The client's identity, as Apollo's clients (and ours) send it.
		if name := r.Header.Get("Apollographql-Client-Name"); name != "" {
			attrs = append(attrs, "client", clip(name), "client_version", clip(r.Header.Get("Apollographql-Client-Version")))
		}
		logger.Debug("http", attrs...)
	})
}

// clip keeps a client-chosen header value short in the log.
func clip(s string) string {
	if len(s) > 100 {
		return strings.ToValidUTF8(s[:100], "") + "…"
	}
	return s
}
