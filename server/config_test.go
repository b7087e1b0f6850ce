package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestServeConfig: flags win over the environment, which wins over the
// defaults; whatever is unknown, malformed or out of range stops the
// server at start, named.
func TestServeConfig(t *testing.T) {
	cfg, err := parseServeConfig(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.listenAddr != ":8080" || cfg.http.RequestTimeout != 15*time.Second || cfg.http.Limits.Rate.PerSecond != defaultRateLimit ||
		cfg.http.Limits.CacheBytes != 64<<20 || cfg.http.SiteURL != "http://localhost:8080" || cfg.siteConfigured {
		t.Errorf("defaults: %+v", cfg)
	}
	t.Setenv("RATE_LIMIT", "7")
	t.Setenv("REQUEST_TIMEOUT", "3s")
	t.Setenv("RESPONSE_CACHE_MB", "0")
	cfg, err = parseServeConfig([]string{"--request-timeout", "4s", "--site-url", "https://tiendo.example.org/"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.http.Limits.Rate.PerSecond != 7 || cfg.http.RequestTimeout != 4*time.Second || cfg.http.Limits.CacheBytes != -1 ||
		cfg.http.SiteURL != "https://tiendo.example.org" || !cfg.siteConfigured {
		t.Errorf("environment and flags: %+v", cfg)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want []string // in the error
	}{
		{nil, []string{"--no-such-flag"}, []string{"no-such-flag"}},
		{nil, []string{"extra"}, []string{`"extra"`}},
		{nil, []string{"--max-depth", "deep"}, []string{"max-depth"}},
		{map[string]string{"RATE_BURST": "twenty", "FIGURES_EVERY": "1"}, nil, []string{`RATE_BURST="twenty"`, `FIGURES_EVERY="1"`}},
		{nil, []string{"--request-timeout", "0s", "--rate-limit", "-1", "--response-cache-mb", "-5"}, []string{"--request-timeout", "--rate-limit", "--response-cache-mb"}},
		{map[string]string{"LISTEN_ADDR": "8080"}, nil, []string{"LISTEN_ADDR"}},
		{nil, []string{"--trusted-proxies", "10.0.0.0/8,proxy.example", "--site-url", "tiendo.example.org"}, []string{"proxy.example", "--site-url"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := parseServeConfig(tc.args, io.Discard)
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("%v %v: error %v, want one naming %s", tc.env, tc.args, err, w)
				}
			}
		})
	}
}
