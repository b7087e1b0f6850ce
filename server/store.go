package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/localpg"
	"github.com/tiendo-vn/tiendo/telemetry"
)

// openStoreArgs opens the store for a command that takes only the database
// flags.
func openStoreArgs(ctx context.Context, name string, args []string, stderr io.Writer, logger *slog.Logger) (*db.DB, func(), error) {
	fs, dbf := dbFlagSet(name, stderr)
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, err
	}
	return openStore(ctx, *dbf, logger)
}

// openStore connects to DATABASE_URL, or starts the private PostgreSQL when
// there is none, and migrates the schema. close stops both.
func openStore(ctx context.Context, f dbFlags, logger *slog.Logger) (store *db.DB, closeFn func(), err error) {
	url := f.databaseURL
	var pg *localpg.Server
	dataDir := f.dataDir
	if url == "" {
		var moved bool
		if dataDir, moved = localpg.Placement(f.dataDir); moved {
			logger.Warn("the postgres OS user cannot reach the data directory; the private PostgreSQL keeps its data elsewhere",
				"asked", f.dataDir, "data_dir", dataDir)
		}
		// A running server's private PostgreSQL (say `serve --demo` in
		// another terminal): share it rather than fail on its data directory.
		if conn, ok := localpg.Running(dataDir, "tiendo"); ok {
			logger.Info("using the private PostgreSQL of the running server", "data_dir", dataDir)
			url = conn
		}
	}
	if url == "" {
		start := time.Now()
		pg, err = localpg.Start(ctx, localpg.Config{DataDir: dataDir, Database: "tiendo", Logger: logger})
		if err != nil {
			return nil, nil, fmt.Errorf("no DATABASE_URL, and the private PostgreSQL did not start: %w", err)
		}
		logger.Info("private PostgreSQL started", "data_dir", dataDir, "took", time.Since(start).Round(time.Millisecond))
		url = pg.ConnString()
	}
	stopPG := func() {
		if pg != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := pg.Stop(sctx); err != nil {
				logger.Warn("stopping private PostgreSQL", "err", err)
			}
		}
	}
	store, err = db.Open(ctx, url, db.Options{StatementTimeout: envDuration("STATEMENT_TIMEOUT", 30*time.Second), Tracer: telemetry.PGX{Pool: "primary"}})
	if err != nil {
		stopPG()
		return nil, nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		stopPG()
		return nil, nil, err
	}
	return store, func() { store.Close(); stopPG() }, nil
}
