//go:build linux

package localpg

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	helperEnv = "LOCALPG_TEST_HELPER_DATADIR"
	pidPrefix = "LOCALPG_PID="
)

// requirePG skips the test when no PostgreSQL server binaries exist at all.
func requirePG(t *testing.T) {
	t.Helper()
	if _, err := findBinDir("", ""); err != nil {
		t.Skipf("no PostgreSQL binaries installed: %v", err)
	}
}

// baseDir returns a fresh directory that the postgres OS user can traverse
// (t.TempDir makes its directories 0700).
func baseDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	for _, p := range []string{filepath.Dir(d), d} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// start starts a server and registers its Stop as cleanup.
func start(t *testing.T, cfg Config) (*Server, time.Duration) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	t0 := time.Now()
	s, err := Start(ctxTimeout(t, 2*time.Minute), cfg)
	took := time.Since(t0)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { stop(t, s) })
	return s, took
}

func stop(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

func connect(t *testing.T, s *Server) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctxTimeout(t, 30*time.Second), s.ConnString())
	if err != nil {
		t.Fatalf("connect %q: %v", s.ConnString(), err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// childPids lists the processes whose parent is pid.
func childPids(pid int) []int {
	var kids []int
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range dirs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b)[i+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			if k, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil {
				kids = append(kids, k)
			}
		}
	}
	return kids
}

// waitGone waits until none of pids is alive (zombies count as gone).
func waitGone(t *testing.T, timeout time.Duration, pids ...int) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for _, pid := range pids {
		for processAlive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d still running after %v", pid, timeout)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func TestRestartKeepsData(t *testing.T) {
	requirePG(t)
	t.Parallel()
	dataDir := filepath.Join(baseDir(t), "data", "pg")

	s, first := start(t, Config{DataDir: dataDir})
	t.Logf("first start (initdb) took %v", first)
	conn := connect(t, s)
	ctx := ctxTimeout(t, 30*time.Second)
	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil || db != DefaultDatabase {
		t.Fatalf("current_database = %q, %v; want %q", db, err, DefaultDatabase)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY, name text)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO t VALUES (1, 'Tiến độ')"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	stop(t, s)
	if err := s.Wait(); err != nil {
		t.Errorf("Wait after Stop = %v, want nil", err)
	}
	if processAlive(s.PID()) {
		t.Errorf("postgres %d still alive after Stop", s.PID())
	}

	s2, second := start(t, Config{DataDir: dataDir})
	t.Logf("second start took %v", second)
	if second > 5*time.Second {
		t.Errorf("second start took %v, want it fast", second)
	}
	var name string
	if err := connect(t, s2).QueryRow(ctx, "SELECT upper(name) FROM t WHERE id = 1").Scan(&name); err != nil {
		t.Fatalf("row lost after restart: %v", err)
	}
	if name != "TIẾN ĐỘ" {
		t.Errorf("upper(name) = %q, want %q (UTF-8 locale)", name, "TIẾN ĐỘ")
	}
	// The server listens on no TCP port.
	var addrs string
	if err := connect(t, s2).QueryRow(ctx, "SHOW listen_addresses").Scan(&addrs); err != nil || addrs != "" {
		t.Errorf("listen_addresses = %q, %v; want empty", addrs, err)
	}
	if !strings.Contains(s2.ConnString(), "host='"+dataDir+"'") {
		t.Errorf("ConnString %q: want the socket in the data directory", s2.ConnString())
	}
}

func TestSecondStartInUse(t *testing.T) {
	requirePG(t)
	t.Parallel()
	dataDir := filepath.Join(baseDir(t), "pg")
	s, _ := start(t, Config{DataDir: dataDir})

	s2, err := Start(ctxTimeout(t, time.Minute), Config{DataDir: dataDir, Logger: testLogger(t)})
	if err == nil {
		stop(t, s2)
		t.Fatal("second Start on a running data directory succeeded")
	}
	t.Logf("second Start: %v", err)
	if !errors.Is(err, ErrInUse) {
		t.Errorf("error does not match ErrInUse: %v", err)
	}
	want := fmt.Sprintf("data directory %s is in use by another server (pid %d)", dataDir, s.PID())
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	// The first server is unharmed.
	var one int
	if err := connect(t, s).QueryRow(ctxTimeout(t, 10*time.Second), "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("first server broken after second Start: %v", err)
	}
}

// TestRunningSharesTheServer: a command-line tool finds the running
// server's socket through Running instead of failing on the data directory.
func TestRunningSharesTheServer(t *testing.T) {
	requirePG(t)
	t.Parallel()
	dataDir := filepath.Join(baseDir(t), "pg")
	if _, ok := Running(dataDir, "postgres"); ok {
		t.Fatal("Running is true before any server started")
	}
	s, _ := start(t, Config{DataDir: dataDir})
	conn, ok := Running(dataDir, "postgres")
	if !ok {
		t.Fatal("Running is false while a server runs on the data directory")
	}
	if conn != connString(s.sockDir, "postgres") {
		t.Errorf("Running gave %q, the server listens at %q", conn, s.sockDir)
	}
	c, err := pgx.Connect(ctxTimeout(t, 30*time.Second), conn)
	if err != nil {
		t.Fatalf("connect through Running's string: %v", err)
	}
	defer c.Close(context.Background())
	var one int
	if err := c.QueryRow(ctxTimeout(t, 10*time.Second), "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}
