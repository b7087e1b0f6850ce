// Package db is Tiến Độ's PostgreSQL store: the connection pool, the embedded
// migrations, and one file per entity. It implements the store interfaces
// of package domain (package app calls them): SQL, COPY, transactions, and
// the checks that need what is stored. It turns PostgreSQL errors into the
// domain's error codes; callers never see pgx types.
package db

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	neturl "net/url"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"

	"github.com/tiendo-vn/tiendo/domain"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// versionTable is where tern records the schema version.
const versionTable = "schema_version"

// DB is the store: a pgx pool and the methods over it. A DB is used by
// pointer only (Open returns one).
type DB struct {
	Pool *pgxpool.Pool
	// replicas serve queries' reads when set (UseReplicas).
	replicas *Replicas
	// figures remembers what each campaign's last refresh stored
	// (figures_cache.go).
	figures figureMemories
	// windows keeps each campaign's last window of reports
	// (window_memory.go).
	windows reportWindows
	// units keeps the subtrees of units refreshes read (units_memory.go).
	units unitsMemory
	// campaigns keeps the campaigns public reads ask for
	// (campaigns_memory.go).
	campaigns campaignsMemory
	// resumed counts the refreshes that resumed from the engine's
	// checkpoint kept with their window (for tests).
	resumed atomic.Int64
}

// Options tune the pool.
type Options struct {
	// StatementTimeout bounds every statement run by the pool (0: none).
	StatementTimeout time.Duration
	// MaxConns caps the pool size (0: pgxpool's default).
	MaxConns int32
	// Tracer sees every query (tests count them; tracing can hang here).
	Tracer pgx.QueryTracer
}

// Open connects to PostgreSQL at url and checks that it answers.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	d, err := OpenLazy(url, opt)
	if err != nil {
		return nil, err
	}
	if err := d.Pool.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return d, nil
}

// OpenLazy is Open without the check: the pool connects when first used
// (a replica that is down at start is measured again later).
func OpenLazy(url string, opt Options) (*DB, error) {
	cfg, err := parseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "tiendo"
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	// Our statements are short or bulk writes; compiling them costs more
	// than it saves.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	if opt.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(opt.StatementTimeout.Milliseconds())
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// A host that does not answer at all (not even with a refusal)
		// is an outage to report in seconds, not at the request's deadline.
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	if opt.Tracer != nil {
		cfg.ConnConfig.Tracer = opt.Tracer
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{Pool: pool}, nil
}

func parseConfig(url string) (*pgxpool.Config, error) { return pgxpool.ParseConfig(url) }

// redactURL is a database URL fit for a log line: no password.
func redactURL(s string) string {
	u, err := neturl.Parse(s)
	if err != nil || u.User == nil {
		if err != nil {
			return "(a URL that does not parse)"
		}
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = neturl.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Migrations returns the embedded migration files.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}

// Migrate brings the schema up to date. tern holds an advisory lock while it
// migrates, so servers starting together do not race.
func (db *DB) Migrate(ctx context.Context) error {
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), versionTable)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := m.LoadMigrations(Migrations()); err != nil {
		return fmt.Errorf("migrate: load: %w", err)
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Ready reports whether the database answers and its schema is at the
// version this binary expects; /readyz uses it.
func (db *DB) Ready(ctx context.Context) error {
	files, err := migrate.FindMigrations(Migrations())
	if err != nil {
		return err
	}
	var v int32
	if err := db.reader(ctx).QueryRow(ctx, "SELECT version FROM "+versionTable).Scan(&v); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if int(v) != len(files) {
		return fmt.Errorf("schema at version %d, want %d", v, len(files))
	}
	return nil
}

// inTx runs fn in a transaction, retrying a few times on serialization
// failures and deadlocks.
func (db *DB) inTx(ctx context.Context, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		err = pgx.BeginTxFunc(ctx, db.Pool, opts, fn)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01") {
			time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
			continue
		}
		return err
	}
	return err
}

// mapErr turns PostgreSQL errors into domain errors where a client can act on
// them; anything else stays internal.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "%s not found", what)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505", "23P01": // unique, exclusion
			return domain.Errorf(domain.ECONFLICT, "%s already exists", what)
		case "23503": // foreign key
			return domain.Errorf(domain.EINVALID, "%s refers to something that does not exist", what)
		case "23514", "23502", "22P02", "22003": // check, not null, bad text, out of range
			return domain.Errorf(domain.EINVALID, "%s is not valid", what)
		case "22021": // a NUL or bytes that are not UTF-8 (the API and the import refuse them first)
			return domain.Errorf(domain.EINVALID, "%s holds a NUL character or bytes that are not UTF-8", what)
		case "57014": // statement timeout
			return domain.Errorf(domain.ETOOCOMPLEX, "the query took too long")
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Snapshot returns the database's current snapshot (pg_current_snapshot()
// as text: xmin:xmax:in-progress ids). Two reads under equal snapshots see
// the same committed data; a commit anywhere changes it.
func (db *DB) Snapshot(ctx context.Context) (string, error) {
	var s string
	err := db.reader(ctx).QueryRow(ctx, `SELECT pg_current_snapshot()::text`).Scan(&s)
	return s, err
}
