package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/live"
	"github.com/tiendo-vn/tiendo/portal"
	"github.com/tiendo-vn/tiendo/publish"
	"github.com/tiendo-vn/tiendo/telemetry"
)

// Config is what the routes need.
type Config struct {
	// CORSOrigins are the origins allowed to send tokens from a browser
	// (comma-separated, * for any; see corsHandler).
	CORSOrigins    string
	RequestTimeout time.Duration // deadline of one API request
	MaxBodyBytes   int64         // largest request body
	Limits         Limits
	QuotaFactor    float64       // see graph.Resolver
	PublishGrace   time.Duration // after a day's report deadline, before its bulletin is published
	Contact        string        // where readers report an error ("" for none)
	SiteURL        string        // the public origin feeds link with
	// Jobs lists the background jobs failing now, for /readyz (nil: none run).
	Jobs func() []string
	// Live follows the database's announcements (nil: no subscriptions, no
	// /events, and the response cache goes by snapshots only).
	Live *live.Hub
	// ReadyLines describes more of the server for /readyz (the replicas).
	ReadyLines func() []string
	// App holds the use cases (nil: one over the store made here). The
	// caller keeps it to Settle the figures' refreshes before the store
	// closes.
	App *app.App
}

// NewRouter wires every route of the process: the API, the schema,
// GraphiQL, health and readiness, the bulletins' pages and the portal.
func NewRouter(store *db.DB, cfg Config, logger *slog.Logger) http.Handler {
	bulletins := &publish.Service{DB: store, Logger: logger, Grace: cfg.PublishGrace, SiteURL: cfg.SiteURL, Contact: cfg.Contact}
	health := graph.NewDBHealth(store, logger)
	bulletins.Outage = health.Failed
	uses := cfg.App
	if uses == nil {
		uses = &app.App{Store: store, QuotaFactor: cfg.QuotaFactor, Logger: logger}
		if cfg.Live != nil {
			uses.Changed = cfg.Live.Changed
		}
	}
	res := &graph.Resolver{DB: store, Logger: logger, Bulletins: bulletins, Contact: cfg.Contact, Health: health, Live: cfg.Live, App: uses}
	cfg.Limits.Extensions = append(cfg.Limits.Extensions, telemetry.GraphQL{}, newReadRouting(store, uses))
	// The portal's reads name their documents by hash alone (GET, persisted queries).
	cfg.Limits.Trusted = append(cfg.Limits.Trusted, portal.Queries()...)
	api := graph.LoaderMiddleware(store, Timeout(cfg.RequestTimeout, NewHandler(res, cfg.Limits)))
	mux := http.NewServeMux()
	graphqlRoute := telemetry.HTTP("graphql", limitBody(cfg.MaxBodyBytes, compressed(api)))
	if cfg.Live != nil {
		addr := ClientAddress(cfg.Limits.Rate.TrustedProxies)
		mux.Handle("/events", live.SSE(cfg.Live, &live.StoreCampaigns{DB: store}, addr))
		graphqlRoute = liveUpgrades(graph.NewLiveHandler(res, graph.Limits{Complexity: cfg.Limits.Complexity, Depth: cfg.Limits.Depth}), addr, graphqlRoute)
	}
	mux.Handle("/graphql", graphqlRoute)
	mux.Handle("/metrics", telemetry.Handler())
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
		if cfg.Jobs != nil {
			// One campaign's trouble does not make the server unready; it
			// is listed for the operator.
			for _, line := range cfg.Jobs() {
				io.WriteString(w, line+"\n")
			}
		}
		if cfg.ReadyLines != nil {
			for _, line := range cfg.ReadyLines() {
				io.WriteString(w, line+"\n")
			}
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
	return requestID(accessLog(logger, corsHandler(cfg.CORSOrigins)(mux)))
}

// liveUpgrades sends WebSocket upgrades of /graphql to the subscriptions'
// handler (with the client's address for its bound, and no deadline: the
// connection lives as long as the subscriber), everything else to next.
func liveUpgrades(ws http.Handler, addr func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !graph.IsWebSocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Time{})
		rc.SetWriteDeadline(time.Time{})
		ws.ServeHTTP(w, r.WithContext(live.WithClient(r.Context(), addr(r))))
	})
}
