package main

import (
	"context"
	"errors"
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
	"time"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/episode"
	"github.com/tiendo-vn/tiendo/figures"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/publish"
)

// tuneGC collects garbage less often than Go's default, unless the
// operator chose with GOGC or GOMEMLIMIT: an API request's garbage (one
// allocation or more per field answered) is short-lived, and at the
// default every few requests start a collection. A soft limit keeps the
// process small when the heap grows (the response cache is in it): 150 MiB
// of Go memory, plus the binary's pages and the C side, keeps the peak
// resident size under 200 MB, start-up publication included.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(150 << 20)
	}
}

func cmdServe(ctx context.Context, args []string, stderr io.Writer, logger *slog.Logger) error {
	cfg, err := parseServeConfig(args, stderr)
	if err != nil {
		return err
	}
	if !cfg.siteConfigured {
		logger.Warn("--site-url (SITE_URL) is not set: the Atom feeds link to "+cfg.http.SiteURL+"; set it to the address readers use", "site_url", cfg.http.SiteURL)
	}
	tuneGC()
	store, closeStore, err := openStore(ctx, cfg.db, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	scale, err := startScaleOut(ctx, store, cfg.scale, logger)
	if err != nil {
		return err
	}
	defer scale.close()
	if scale.replicas != nil {
		store.UseReplicas(scale.replicas)
	}
	cfg.http.Live, cfg.http.ReadyLines = scale.hub, scale.readyLines
	if err := bootstrapAdmin(ctx, store, cfg.adminToken, logger); err != nil {
		return err
	}
	if cfg.demo {
		if err := loadDemoIfEmpty(ctx, store, stderr, logger); err != nil {
			return err
		}
	}
	// Figures heal themselves: writes whose refresh never ran (a crash), and
	// the days passing; reads never refresh. Bulletins publish themselves
	// once their day's deadline has passed; each edition once, even with
	// several servers.
	worker := &figures.Worker{DB: store, Logger: logger}
	pub := &publish.Service{DB: store, Logger: logger, Grace: cfg.http.PublishGrace, RetryMin: cfg.publishEvery, SiteURL: cfg.http.SiteURL, Contact: cfg.http.Contact}
	cfg.http.Jobs = func() []string { return failingJobs(worker.Failing(), pub.Failing()) }
	cfg.http.App = &app.App{Store: store, QuotaFactor: cfg.http.QuotaFactor, Logger: logger, Changed: scale.hub.Changed}
	srv := &http.Server{
		Addr:              cfg.listenAddr,
		Handler:           httpapi.NewRouter(store, cfg.http, logger),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.http.RequestTimeout + 15*time.Second,
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
	if addr := cfg.pprofAddr; addr != "" {
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
	// Acknowledged writes are durable either way; refreshing their figures
	// now saves the next start the work.
	return cfg.http.App.Settle(sctx)
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
