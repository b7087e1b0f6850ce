package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// serveConfig is the whole configuration of the serve command, from its
// flags and, for each flag, an environment variable as its default; read
// and checked by parseServeConfig only.
type serveConfig struct {
	db             dbFlags
	listenAddr     string
	http           httpapi.Config // what the routes need
	publishEvery   time.Duration  // how often to look for bulletins due (0: never)
	figuresEvery   time.Duration  // how often the figures worker looks for figures due
	demo           bool           // load the demo dataset if the database is empty
	siteConfigured bool           // --site-url was given (else it comes from the listen address)
	// adminToken bootstraps the first admin (ADMIN_TOKEN, an environment
	// variable only: a flag's value would show in help output and process
	// lists).
	adminToken string
	pprofAddr  string      // PPROF_ADDR: profiling for operators, on its own address ("": none)
	scale      scaleConfig // replicas, live updates
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

// parseServeConfig reads the serve command's flags and environment. An
// unknown flag, an argument that is not a flag, a malformed value (flag or
// environment variable) and a value out of range are errors, all of them
// named at once where possible: the server never starts on a setting it
// did not understand.
func parseServeConfig(args []string, stderr io.Writer) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg serveConfig
	cfg.db.register(fs)
	h, lim := &cfg.http, &cfg.http.Limits
	fs.StringVar(&cfg.listenAddr, "listen", envOr("LISTEN_ADDR", ":8080"), "address to listen on [LISTEN_ADDR]")
	fs.StringVar(&h.CORSOrigins, "cors-origins", envOr("CORS_ALLOWED_ORIGINS", ""), "comma-separated origins allowed to send tokens (Authorization) from a browser, * for any; reads are open to every origin [CORS_ALLOWED_ORIGINS]")
	fs.DurationVar(&h.PublishGrace, "publish-grace", envDuration("PUBLISH_GRACE", 30*time.Minute), "how long after a day's report deadline its bulletin is published by itself [PUBLISH_GRACE]")
	fs.DurationVar(&cfg.publishEvery, "publish-every", envDuration("PUBLISH_EVERY", time.Minute), "how often to publish the bulletins due; 0: only by publishBulletin [PUBLISH_EVERY]")
	fs.DurationVar(&cfg.figuresEvery, "figures-every", envDuration("FIGURES_EVERY", time.Second), "how often to look for figures due: writes whose refresh did not run, days whose deadline passed [FIGURES_EVERY]")
	fs.DurationVar(&h.RequestTimeout, "request-timeout", envDuration("REQUEST_TIMEOUT", 15*time.Second), "deadline of one API request [REQUEST_TIMEOUT]")
	fs.Int64Var(&h.MaxBodyBytes, "max-body", 1<<20, "largest request body in bytes")
	fs.IntVar(&lim.Complexity, "max-complexity", 5000, "largest query cost")
	fs.IntVar(&lim.Depth, "max-depth", 12, "deepest query nesting")
	fs.Float64Var(&h.QuotaFactor, "quota-factor", envFloat("QUOTA_FACTOR", domain.DefaultQuotaFactor), "reject a reported figure above its quota times this factor unless confirmed; negative: no check [QUOTA_FACTOR]")
	fs.Float64Var(&lim.Rate.PerSecond, "rate-limit", envFloat("RATE_LIMIT", defaultRateLimit), "API points per second per client address without a token (a cached answer costs 1, a query 1 per 200 of its complexity); 0: no limit [RATE_LIMIT]")
	fs.IntVar(&lim.Rate.Burst, "rate-burst", envInt("RATE_BURST", defaultRateBurst), "API points a client address may spend at once [RATE_BURST]")
	fs.Float64Var(&lim.Rate.TokenPerSecond, "token-rate-limit", envFloat("TOKEN_RATE_LIMIT", defaultTokenRateLimit), "API points per second per token; 0: no limit [TOKEN_RATE_LIMIT]")
	fs.IntVar(&lim.Rate.TokenBurst, "token-rate-burst", envInt("TOKEN_RATE_BURST", defaultTokenRateBurst), "API points a token may spend at once [TOKEN_RATE_BURST]")
	cacheMB := fs.Int("response-cache-mb", envInt("RESPONSE_CACHE_MB", 64), "memory for answers to repeated anonymous queries, served until anything is committed; 0: no cache [RESPONSE_CACHE_MB]")
	trustedProxies := fs.String("trusted-proxies", envOr("TRUSTED_PROXIES", ""), "comma-separated CIDR prefixes or addresses of reverse proxies whose X-Forwarded-For names the client; empty: X-Forwarded-For is ignored [TRUSTED_PROXIES]")
	fs.StringVar(&h.Contact, "contact", envOr("CONTACT", ""), "where readers report an error in a figure (an e-mail address or URL), printed on every page [CONTACT]")
	fs.StringVar(&h.SiteURL, "site-url", envOr("SITE_URL", ""), "the public origin of this server, e.g. https://tiendo.example.org, which the Atom feeds link with; empty: http:// and the listen address [SITE_URL]")
	fs.BoolVar(&cfg.demo, "demo", false, "load the demo dataset if the database is empty")
	cfg.scale.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("serve takes no arguments, only flags: %q", fs.Arg(0))
	}
	var bad []string
	check := func(ok bool, format string, a ...any) {
		if !ok {
			bad = append(bad, fmt.Sprintf(format, a...))
		}
	}
	_, _, err := net.SplitHostPort(cfg.listenAddr)
	check(err == nil, "--listen (LISTEN_ADDR) %q is not an address such as :8080 or 127.0.0.1:8080", cfg.listenAddr)
	check(h.RequestTimeout > 0, "--request-timeout (REQUEST_TIMEOUT) must be more than 0")
	check(cfg.figuresEvery > 0, "--figures-every (FIGURES_EVERY) must be more than 0")
	check(cfg.publishEvery >= 0 && h.PublishGrace >= 0, "--publish-every and --publish-grace may not be negative")
	check(h.MaxBodyBytes > 0, "--max-body must be more than 0")
	check(lim.Complexity > 0 && lim.Depth > 0, "--max-complexity and --max-depth must be more than 0")
	check(lim.Rate.PerSecond >= 0 && lim.Rate.TokenPerSecond >= 0 && lim.Rate.Burst >= 0 && lim.Rate.TokenBurst >= 0,
		"rate limits and bursts (--rate-limit, --rate-burst, --token-rate-limit, --token-rate-burst) may not be negative")
	check(*cacheMB >= 0, "--response-cache-mb (RESPONSE_CACHE_MB) may not be negative")
	lim.CacheBytes = *cacheMB << 20
	if *cacheMB == 0 {
		lim.CacheBytes = -1
	}
	if lim.Rate.TrustedProxies, err = httpapi.ParseTrustedProxies(*trustedProxies); err != nil {
		bad = append(bad, "--trusted-proxies: "+err.Error())
	}
	cfg.siteConfigured = h.SiteURL != ""
	if h.SiteURL, err = siteURLFor(h.SiteURL, cfg.listenAddr); err != nil {
		bad = append(bad, err.Error())
	}
	if len(bad) > 0 {
		return cfg, fmt.Errorf("bad configuration: %s", strings.Join(bad, "; "))
	}
	cfg.adminToken = os.Getenv("ADMIN_TOKEN")
	cfg.pprofAddr = os.Getenv("PPROF_ADDR")
	return cfg, nil
}
