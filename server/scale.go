package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/live"
	"github.com/tiendo-vn/tiendo/telemetry"
)

// scaleConfig is the configuration of what lets several servers share the
// load: read replicas, live updates, metrics and traces.
type scaleConfig struct {
	replicaURLs string
	replicaLag  time.Duration
	replicaWait time.Duration
	liveMax     int
	livePerAddr int
	version     string
}

func (c *scaleConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&c.replicaURLs, "replica-urls", envOr("DATABASE_REPLICA_URLS", ""), "comma-separated URLs of PostgreSQL streaming replicas to serve queries from (writes and publication use the primary) [DATABASE_REPLICA_URLS]")
	fs.DurationVar(&c.replicaLag, "replica-max-lag", envDuration("REPLICA_MAX_LAG", 5*time.Second), "a replica further behind the primary serves no query [REPLICA_MAX_LAG]")
	fs.DurationVar(&c.replicaWait, "replica-wait", envDuration("REPLICA_WAIT", 500*time.Millisecond), "how long a query with a token waits for a replica to replay the primary's position before it reads the primary [REPLICA_WAIT]")
	fs.IntVar(&c.liveMax, "live-max", envInt("LIVE_MAX_SUBSCRIBERS", 1000), "live subscribers (event streams, subscriptions) this server holds at most [LIVE_MAX_SUBSCRIBERS]")
	fs.IntVar(&c.livePerAddr, "live-per-address", envInt("LIVE_PER_ADDRESS", 20), "live subscribers one client address holds at most [LIVE_PER_ADDRESS]")
}

// scaleOut is what runs for it: the replicas measured, the database's
// announcements followed, the traces exported.
type scaleOut struct {
	replicas      *db.Replicas
	hub           *live.Hub
	stopTracing   func(context.Context) error
	logger        *slog.Logger
	replicaHealth func() []string
}

// startScaleOut opens the replicas and starts following the primary's
// announcements; everything it starts ends with ctx.
func startScaleOut(ctx context.Context, store *db.DB, cfg scaleConfig, logger *slog.Logger) (*scaleOut, error) {
	s := &scaleOut{logger: logger, hub: live.New(cfg.liveMax, cfg.livePerAddr)}
	stop, err := telemetry.SetupTracing(ctx, cfg.version)
	if err != nil {
		return nil, fmt.Errorf("OpenTelemetry: %w", err)
	}
	s.stopTracing = stop
	if err := telemetry.RegisterPool("primary", store.Pool); err != nil {
		logger.Debug("pool metrics", "err", err)
	}
	if cfg.replicaURLs != "" {
		urls, err := db.ParseReplicaURLs(cfg.replicaURLs)
		if err != nil {
			return nil, fmt.Errorf("--replica-urls (DATABASE_REPLICA_URLS): %w", err)
		}
		s.replicas, err = db.OpenReplicas(ctx, store, urls, db.Options{StatementTimeout: envDuration("STATEMENT_TIMEOUT", 30*time.Second), Tracer: telemetry.PGX{Pool: "replica"}},
			db.ReplicaOptions{MaxLag: cfg.replicaLag, Wait: cfg.replicaWait, Logger: logger, Measured: exportReplicaLag})
		if err != nil {
			return nil, err
		}
		for _, st := range s.replicas.Status() {
			logger.Info("replica", "name", st.Name, "serving", st.Serving, "lag", st.Lag, "err", st.Error)
		}
		go s.replicas.Run(ctx)
	}
	go s.hub.Run(ctx, store, logger)
	return s, nil
}

// exportReplicaLag puts each replica's measured lag in the metrics.
func exportReplicaLag(replicas []db.ReplicaStatus) {
	for _, st := range replicas {
		telemetry.SetReplica(st.Name, st.Lag, st.Serving)
	}
}

// readyLines describes the replicas for /readyz: one line each, with its
// lag and whether it serves queries.
func (s *scaleOut) readyLines() []string {
	if s == nil || s.replicas == nil {
		return nil
	}
	var out []string
	for _, st := range s.replicas.Status() {
		line := fmt.Sprintf("replica %s: serving, %s behind", st.Name, st.Lag.Round(time.Millisecond))
		switch {
		case !st.Up:
			line = fmt.Sprintf("replica %s: skipped (%s)", st.Name, st.Error)
		case !st.Serving:
			line = fmt.Sprintf("replica %s: skipped, %s behind", st.Name, st.Lag.Round(time.Millisecond))
		}
		out = append(out, line)
	}
	return out
}

// close flushes the traces and closes the replicas' pools.
func (s *scaleOut) close() {
	if s == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if s.stopTracing != nil {
		s.stopTracing(ctx)
	}
	if s.replicas != nil {
		s.replicas.Close()
	}
}
