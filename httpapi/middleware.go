package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/rs/cors"

	"github.com/tiendo-vn/tiendo/graph"
)

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
			case getHeader(r.Header, "Origin") == "":
				next.ServeHTTP(w, r)
			case tr != nil && trusted.OriginAllowed(r):
				tr.ServeHTTP(w, r)
			case getHeader(r.Header, "Authorization") != "":
				addHeader(w.Header(), "Vary", "Origin")
				next.ServeHTTP(w, r)
			default:
				addHeader(w.Header(), "Vary", "Origin")
				pub.ServeHTTP(w, r)
			}
		})
	}
}

// compressed answers with zstd or gzip when the client accepts it
// (Accept-Encoding; zstd when both are equal), an answer of 1 KB or more,
// at the fastest levels (JSON shrinks well even so, and the CPU is the
// API's); Vary: Accept-Encoding says so to caches. Inside it the response
// cache stores answers uncompressed and gzipped, and writes a hit's gzip
// itself (this passes an answer with a Content-Encoding through).
func compressed(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMin), gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.ContentTypes([]string{"application/graphql-response+json", "application/json"}))
	if err != nil {
		panic(err) // fixed options: a failure is a bug a test catches
	}
	gz := wrap(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if getHeader(r.Header, "Accept-Encoding") == "" {
			// What gzhttp does for a client that accepts no encoding,
			// without its writer (which only drops a header we never set).
			addHeader(w.Header(), "Vary", "Accept-Encoding")
			next.ServeHTTP(w, r)
			return
		}
		gz.ServeHTTP(w, r)
	})
}

// limitBody bounds a request's body to n bytes (http.MaxBytesReader). A body
// of a declared length within n needs no bound: net/http reads no more than
// the length declared (and fails a body shorter than it), so most requests
// skip the reader's allocation.
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength < 0 || r.ContentLength > n {
			r.Body = http.MaxBytesReader(w, r.Body, n)
		}
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
		setHeader(w.Header(), "X-Request-Id", id)
		// The request's state, filled in place by the middleware within
		// (see graph.Request): the one copy of the request they need.
		ctx, req := graph.NewRequest(r.Context())
		req.ID, req.Arrived = id, time.Now()
		next.ServeHTTP(w, r.WithContext(ctx))
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

// accessLog logs a line per request (but the probes'), at Info. The line
// is made here, not by logger.LogAttrs: its time is the one the duration
// ends with, and it has no source location (the same for every request),
// which LogAttrs would ask the runtime's stack for.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := arrival(r.Context())
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		ctx := r.Context()
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || !logger.Enabled(ctx, slog.LevelInfo) {
			return
		}
		end := time.Now()
		line := slog.NewRecord(end, slog.LevelInfo, "http", 0)
		line.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes), slog.Int64("ms", end.Sub(start).Milliseconds()), slog.String("request_id", graph.RequestID(ctx)))
		// The client's identity, as Apollo's clients (and ours) send it.
		if name := getHeader(r.Header, "Apollographql-Client-Name"); name != "" {
			line.AddAttrs(slog.String("client", clip(name)), slog.String("client_version", clip(getHeader(r.Header, "Apollographql-Client-Version"))))
		}
		logger.Handler().Handle(ctx, line)
	})
}

// arrival is when the request reached the router (requestID), or now.
func arrival(ctx context.Context) time.Time {
	if req := graph.RequestOf(ctx); req != nil && !req.Arrived.IsZero() {
		return req.Arrived
	}
	return time.Now()
}

// clip keeps a client-chosen header value short in the log.
func clip(s string) string {
	if len(s) > 100 {
		return strings.ToValidUTF8(s[:100], "") + "…"
	}
	return s
}
