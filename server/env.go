package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/httpapi"
)

// Configuration comes from flags, each with an environment variable as its
// default. A malformed value is an error at start, never silently replaced
// by the default (RATE_LIMIT=1O must not become 10): the env helpers below
// note what they could not read, and parseFlags reports it after the flags.

var (
	envMu   sync.Mutex
	envBad  []string
	envSeen = map[string]bool{}
)

func badEnv(key, v, want string) {
	envMu.Lock()
	defer envMu.Unlock()
	if !envSeen[key] {
		envSeen[key] = true
		envBad = append(envBad, fmt.Sprintf("%s=%q is not %s", key, v, want))
	}
}

// envProblems returns the malformed environment variables read since the
// last call, and forgets them.
func envProblems() error {
	envMu.Lock()
	defer envMu.Unlock()
	bad := envBad
	envBad, envSeen = nil, map[string]bool{}
	if len(bad) == 0 {
		return nil
	}
	return errors.New("bad configuration: " + strings.Join(bad, "; "))
}

// parseFlags parses a command's flags, then refuses the malformed
// environment variables their defaults came from.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		envProblems()
		return err
	}
	return envProblems()
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	return envParsed(key, def, "a duration such as 30s or 15m", func(v string) (time.Duration, error) {
		d, err := time.ParseDuration(v)
		if err == nil && d < 0 {
			err = errors.New("negative")
		}
		return d, err
	})
}

func envInt(key string, def int) int { return envParsed(key, def, "a whole number", strconv.Atoi) }

func envFloat(key string, def float64) float64 {
	return envParsed(key, def, "a number", func(v string) (float64, error) { return strconv.ParseFloat(v, 64) })
}

// envParsed reads key with parse: def when it is unset or blank, def and a
// problem for parseFlags (saying the value is not want) when parse fails.
func envParsed[T any](key string, def T, want string, parse func(string) (T, error)) T {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		badEnv(key, v, want)
		return def
	}
	return x
}

// newLogger builds the process's logger from LOG_LEVEL (debug, info, warn,
// error; default info, which prints the access log's line per request)
// and LOG_FORMAT (text or json; default text). Every line logged with a
// request's context names the request (request_id, see
// httpapi.LogRequestIDs).
func newLogger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if v := os.Getenv("LOG_LEVEL"); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return nil, fmt.Errorf("bad configuration: LOG_LEVEL=%q is not one of debug, info, warn, error", v)
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch f := os.Getenv("LOG_FORMAT"); f {
	case "", "text":
		return slog.New(httpapi.LogRequestIDs(slog.NewTextHandler(w, opts))), nil
	case "json":
		return slog.New(httpapi.LogRequestIDs(slog.NewJSONHandler(w, opts))), nil
	default:
		return nil, fmt.Errorf("bad configuration: LOG_FORMAT=%q is not text or json", f)
	}
}
