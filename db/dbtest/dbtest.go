// Package dbtest gives each test its own PostgreSQL database, cloned from a
// migrated template, so tests run in parallel against a real server and
// never see each other's data.
//
// The server is TEST_DATABASE_URL, by default the local one at
// postgres://postgres@127.0.0.1:5432/postgres, else a private one (see AdminURL).
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/localpg"
)

// defaultURL is the local server tests use unless TEST_DATABASE_URL says
// otherwise.
const defaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	adminOnce sync.Once
	adminURL  string
	adminErr  error
)

// AdminURL is the server tests create their databases on: TEST_DATABASE_URL,
// else the local server at 127.0.0.1:5432, else (when that does not answer)
// a private PostgreSQL started for this test process from the installed
// binaries, so `go test ./...` works wherever PostgreSQL is installed.
func AdminURL() (string, error) {
	adminOnce.Do(func() {
		if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
			adminURL = u
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, defaultURL); err == nil {
			conn.Close(ctx)
			adminURL = defaultURL
			return
		}
		dir, err := os.MkdirTemp("", "tiendo-test-pg-")
		if err == nil {
			err = os.Chmod(dir, 0o755)
		}
		if err != nil {
			adminErr = err
			return
		}
		pg, err := localpg.Start(ctx, localpg.Config{DataDir: filepath.Join(dir, "pg"), Database: "postgres"})
		if err != nil {
			adminErr = fmt.Errorf("no PostgreSQL at %s and no private one either: %w", defaultURL, err)
			return
		}
		cfg, err := pgconn.ParseConfig(pg.ConnString())
		if err != nil {
			adminErr = err
			return
		}
		adminURL = (&url.URL{Scheme: "postgres", User: url.User(cfg.User), Path: "/postgres",
			RawQuery: url.Values{"host": {cfg.Host}, "sslmode": {"disable"}}.Encode()}).String()
	})
	return adminURL, adminErr
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// migrationsHash names the template after the migrations it holds, so a
// changed migration gets a fresh template.
func migrationsHash() string {
	h := sha256.New()
	fs.WalkDir(db.Migrations(), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(db.Migrations(), path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func withDB(u, name string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return u
	}
	parsed.Path = "/" + name
	return parsed.String()
}

func ensureTemplate(ctx context.Context) (string, error) {
	templateOnce.Do(func() {
		templateName = "tiendo_tmpl_" + migrationsHash()
		admin, err := AdminURL()
		if err != nil {
			templateErr = err
			return
		}
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			templateErr = fmt.Errorf("connect to test PostgreSQL at %s: %w", admin, err)
			return
		}
		defer conn.Close(ctx)
		// Test packages run in parallel processes: one builds the template.
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7301)`); err != nil {
			templateErr = err
			return
		}
		defer conn.Exec(ctx, `SELECT pg_advisory_unlock(7301)`)
		var exists bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, templateName).Scan(&exists); err != nil {
			templateErr = err
			return
		}
		if exists {
			return
		}
		building := templateName + "_build"
		conn.Exec(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`)
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+building); err != nil {
			templateErr = err
			return
		}
		store, err := db.Open(ctx, withDB(admin, building), db.Options{})
		if err != nil {
			templateErr = err
			return
		}
		err = store.Migrate(ctx)
		store.Close()
		if err != nil {
			templateErr = err
			return
		}
		if _, err := conn.Exec(ctx, `ALTER DATABASE `+building+` RENAME TO `+templateName); err != nil {
			templateErr = err
		}
	})
	return templateName, templateErr
}

// NewURL creates a fresh migrated database for tb, dropped when tb ends,
// and returns its URL.
func NewURL(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tmpl, err := ensureTemplate(ctx)
	if err != nil {
		tb.Fatalf("test database: %v", err)
	}
	admin, _ := AdminURL()
	var b [6]byte
	rand.Read(b[:])
	name := "tiendo_t_" + hex.EncodeToString(b[:])
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("test database: %v", err)
	}
	defer conn.Close(ctx)
	// CREATE DATABASE … TEMPLATE fails while another session is copying the
	// same template; retry briefly.
	for attempt := 0; ; attempt++ {
		_, err = conn.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tmpl)
		if err == nil || attempt == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Logf("drop test database: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			tb.Logf("drop test database: %v", err)
		}
	})
	return withDB(admin, name)
}

// New returns an open store on a fresh migrated database for tb.
func New(tb testing.TB) *db.DB {
	tb.Helper()
	store, err := db.Open(context.Background(), NewURL(tb), db.Options{StatementTimeout: time.Minute})
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(store.Close)
	return store
}

// Refreshing returns opt with Due set to refresh the figures a write left
// due before the write returns, as the application layer's figures queue
// does later: for tests that write through the store and then read.
func Refreshing(tb testing.TB, store *db.DB, opt domain.WriteOptions) domain.WriteOptions {
	opt.Due = func(campaignID int64, from domain.Date) {
		if err := store.RefreshFiguresAfter(context.Background(), campaignID, from, opt.Clock()); err != nil {
			tb.Errorf("refresh campaign %d from %s: %v", campaignID, from, err)
		}
	}
	return opt
}

// MustAdmin creates an admin token and returns its principal, as a request
// with its secret is authenticated.
func MustAdmin(tb testing.TB, store *db.DB) *domain.Principal {
	tb.Helper()
	ctx := context.Background()
	_, secret, err := store.CreateToken(ctx, domain.CLI("test"), domain.RoleAdmin, "", "admin")
	if err != nil {
		tb.Fatal(err)
	}
	p, err := store.Authenticate(ctx, secret)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
