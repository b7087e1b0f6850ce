package localpg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	initdbTimeout      = 2 * time.Minute
	readyTimeout       = time.Minute
	defaultStopTimeout = 30 * time.Second
	maxLogSize         = 10 << 20 // rotate postgres.log to postgres.log.1 beyond this
)

// Server is a running private PostgreSQL server. Its methods are safe for
// concurrent use.
type Server struct {
	dataDir   string
	sockDir   string
	fallback  bool // sockDir is a /tmp fallback to remove on exit
	database  string
	logPath   string
	logOffset int64 // size of the log before this server started
	log       *slog.Logger
	proc      *proc
	stopping  atomic.Bool
	exitErr   func() error
}

// Start starts a private PostgreSQL server on cfg.DataDir, creating the data
// directory with initdb on first use and the application database if it is
// missing, and returns once the server accepts connections.
//
// ctx bounds the start only (initdb is further limited to 2 minutes and the
// wait for readiness to 1 minute); cancelling it later does not affect the
// running server, which lives until Stop is called or the service process
// exits. If the data directory is used by another running server, Start
// fails with an error matching ErrInUse and leaves that server alone.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	t0 := time.Now()
	cfg = cfg.withDefaults()
	log := cfg.Logger

	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	acct, err := runAccount()
	if err != nil {
		return nil, err
	}
	// Before touching anything: is another server using it?
	if pid, ok := livePostmaster(dataDir); ok {
		return nil, &inUseError{dataDir, pid}
	}
	clusterVersion := readPGVersion(dataDir)
	binDir, err := findBinDir(cfg.BinDir, clusterVersion)
	if err != nil {
		return nil, err
	}
	binVersion, err := serverVersion(binDir)
	if err != nil {
		return nil, err
	}
	if clusterVersion != "" && clusterVersion != binVersion {
		return nil, fmt.Errorf("localpg: data directory %s was created by PostgreSQL %s but the binaries in %s are version %s; install PostgreSQL %s and point PG_BINDIR at it, or move the data directory away",
			dataDir, clusterVersion, binDir, binVersion, clusterVersion)
	}

	// Parent directories, resolved through symlinks.
	if err := mkdirParents(filepath.Dir(dataDir), acct); err != nil {
		return nil, err
	}
	if dataDir, err = resolve(dataDir); err != nil {
		return nil, err
	}
	parent := filepath.Dir(dataDir)
	cwd, _ := os.Getwd()
	if cwd != "" {
		if r, err := filepath.EvalSymlinks(cwd); err == nil {
			cwd = r
		}
	}
	if err := checkTraversable(parent, acct, cwd, log, "data directory "+dataDir); err != nil {
		return nil, err
	}

	// Cluster: create it if needed, atomically.
	removeStaleInitDirs(parent, filepath.Base(dataDir), log)
	if err := prepareDataDir(ctx, dataDir, binDir, acct, log); err != nil {
		return nil, err
	}
	if err := chownTree(dataDir, acct, log); err != nil {
		return nil, err
	}

	sockDir, fallback, err := socketDir(dataDir, acct)
	if err != nil {
		return nil, err
	}
	if fallback {
		if err := checkTraversable(filepath.Dir(sockDir), acct, "", log, "socket directory "+sockDir); err != nil {
			return nil, err
		}
		log.Debug("localpg: data directory path too long for a unix socket; using fallback socket directory", "dir", sockDir)
	}
	removeFallback := func() { removeSocketDir(sockDir, fallback) }

	logFile, logOffset, err := openLog(dataDir, acct)
	if err != nil {
		removeFallback()
		return nil, err
	}
	cmd := exec.Command(filepath.Join(binDir, "postgres"),
		"-D", dataDir,
		"-p", strconv.Itoa(pgPort),
		"-k", gucQuote(sockDir),
		"-c", "listen_addresses=",
		"-c", "logging_collector=off",
		"-c", "log_destination=stderr",
	)
	cmd.Dir = "/"
	cmd.Env = childEnv()
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: acct.cred,
		// SIGINT = fast shutdown when the service dies, even by kill -9.
		Pdeathsig: syscall.SIGINT,
		// Own process group: a Ctrl-C in the terminal reaches only the
		// service, which then stops postgres in its own time.
		Setpgid: true,
	}
	p, err := startLocked(cmd)
	logFile.Close() // the child has its own descriptor
	if err != nil {
		removeFallback()
		return nil, fmt.Errorf("localpg: start %s: %w", cmd.Path, err)
	}
	s := &Server{
		dataDir:   dataDir,
		sockDir:   sockDir,
		fallback:  fallback,
		database:  cfg.Database,
		logPath:   logFile.Name(),
		logOffset: logOffset,
		log:       log,
		proc:      p,
	}
	s.exitErr = sync.OnceValue(func() error {
		return fmt.Errorf("localpg: postgres (pid %d) exited unexpectedly (%v); server log %s:\n%s",
			s.PID(), s.proc.err, s.logPath, s.logTail())
	})

	fail := func(err error) (*Server, error) {
		s.stopping.Store(true)
		s.terminate(5 * time.Second)
		removeFallback()
		return nil, err
	}
	if err := s.waitReady(ctx); err != nil {
		return fail(err)
	}
	created, err := ensureDatabase(ctx, connString(sockDir, "postgres"), cfg.Database)
	if err != nil {
		return fail(fmt.Errorf("localpg: ensure database %q: %w", cfg.Database, err))
	}
	if created {
		log.Info("localpg: created database", "database", cfg.Database)
	}

	go func() {
		<-p.done
		removeFallback()
		if !s.stopping.Load() {
			log.Error("localpg: postgres exited unexpectedly", "pid", s.PID(), "err", p.err, "log", s.logPath)
		}
	}()
	log.Info("localpg: PostgreSQL started", "version", binVersion, "pid", s.PID(), "data_dir", dataDir,
		"socket_dir", sockDir, "database", cfg.Database, "run_as", acct.name, "took", time.Since(t0).Round(time.Millisecond))
	return s, nil
}

// ConnString returns a libpq keyword/value connection string for the
// application database over the unix socket, accepted by pgx.ParseConfig and
// pgxpool.ParseConfig, e.g.
// "host='/abs/data/pg' port=5432 user=postgres dbname='tiendo' sslmode=disable".
func (s *Server) ConnString() string { return connString(s.sockDir, s.database) }

// PID returns the process id of the postgres server process (postmaster).
func (s *Server) PID() int { return s.proc.cmd.Process.Pid }

// Stop shuts the server down gracefully: SIGINT (fast shutdown: open
// transactions are rolled back and clients disconnected), then SIGKILL if it
// has not exited when ctx is done (after 30 seconds if ctx has no deadline).
// Pass a fresh context, not one that is already cancelled, or the server is
// killed at once (which is crash-safe but makes the next start recover).
// Stop returns nil once postgres has exited by itself, also if it had
// already exited; it is safe to call more than once.
func (s *Server) Stop(ctx context.Context) error {
	s.stopping.Store(true)
	if s.proc.exited() {
		return nil
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultStopTimeout)
		defer cancel()
	}
	_ = s.proc.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.proc.done:
		removeSocketDir(s.sockDir, s.fallback)
		s.log.Info("localpg: PostgreSQL stopped", "pid", s.PID())
		return nil
	case <-ctx.Done():
		_ = s.proc.cmd.Process.Kill()
		<-s.proc.done
		removeSocketDir(s.sockDir, s.fallback)
		return fmt.Errorf("localpg: postgres (pid %d) did not shut down in time (%v) and was killed", s.PID(), context.Cause(ctx))
	}
}

// Wait blocks until the postgres process has exited. It returns nil if the
// exit was caused by Stop, and otherwise an error describing the unexpected
// exit with the tail of the server log, so the service can notice that its
// database died.
func (s *Server) Wait() error {
	<-s.proc.done
	if s.stopping.Load() {
		return nil
	}
	return s.exitErr()
}

// removeSocketDir removes a fallback socket directory if it is empty (a
// server that still uses it keeps its socket there).
func removeSocketDir(dir string, fallback bool) {
	if fallback {
		os.Remove(dir)
	}
}

// terminate stops the child (SIGINT, then SIGKILL after grace) and waits.
func (s *Server) terminate(grace time.Duration) {
	if s.proc.exited() {
		return
	}
	_ = s.proc.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.proc.done:
	case <-time.After(grace):
		_ = s.proc.cmd.Process.Kill()
		<-s.proc.done
	}
}

// waitReady waits until postmaster.pid says "ready" for our process.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if pidFileReady(s.dataDir, s.PID()) {
			return nil
		}
		select {
		case <-s.proc.done:
			tail := s.logTail()
			if pid := parseInUse(tail); pid > 0 {
				return &inUseError{s.dataDir, pid}
			}
			return fmt.Errorf("localpg: postgres exited during startup (%v); server log %s:\n%s", s.proc.err, s.logPath, tail)
		case <-ctx.Done():
			return fmt.Errorf("localpg: postgres did not become ready (%v); server log %s:\n%s", context.Cause(ctx), s.logPath, s.logTail())
		case <-tick.C:
		}
	}
}

// pidFileReady reports whether dataDir/postmaster.pid belongs to pid and its
// status line (line 8, PostgreSQL 10 and later) says "ready".
func pidFileReady(dataDir string, pid int) bool {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return false
	}
	lines := strings.Split(string(b), "\n")
	return len(lines) >= 8 && strings.TrimSpace(lines[0]) == strconv.Itoa(pid) && strings.TrimSpace(lines[7]) == "ready"
}

// logTail returns the last lines this server wrote to its log.
func (s *Server) logTail() string {
	return readTail(s.logPath, s.logOffset)
}

func readTail(path string, from int64) string {
	const maxBytes, maxLines = 4096, 25
	f, err := os.Open(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() < from {
		from = 0 // rotated or truncated
	}
	if fi, err := f.Stat(); err == nil && fi.Size()-from > maxBytes {
		from = fi.Size() - maxBytes
	}
	b, _ := io.ReadAll(io.NewSectionReader(f, from, maxBytes))
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	out := strings.Join(lines, "\n")
	if strings.TrimSpace(out) == "" {
		return "(log empty)"
	}
	return out
}

// openLog opens <dataDir>/log/postgres.log for appending (rotating it once
// it exceeds maxLogSize) and returns it with its current size.
func openLog(dataDir string, acct account) (*os.File, int64, error) {
	dir := filepath.Join(dataDir, "log")
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, 0, fmt.Errorf("localpg: %w", err)
	}
	if err := acct.chown(dir); err != nil {
		return nil, 0, fmt.Errorf("localpg: %w", err)
	}
	path := filepath.Join(dir, "postgres.log")
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLogSize {
		os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, 0, fmt.Errorf("localpg: %w", err)
	}
	if err := acct.chown(path); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("localpg: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("localpg: %w", err)
	}
	return f, fi.Size(), nil
}

// ensureDatabase creates database name if it does not exist.
func ensureDatabase(ctx context.Context, connStr, name string) (created bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connStr)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return false, err
	}
	if exists {
		return false, nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database
			return false, nil
		}
		return false, err
	}
	return true, nil
}
