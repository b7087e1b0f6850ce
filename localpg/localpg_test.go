//go:build linux

package localpg

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
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

// TestHelperProcess is not a test: TestKill9LeavesNoOrphan runs the test
// binary with it as a stand-in service that starts a server and then waits
// to be killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		return
	}
	s, err := Start(context.Background(), Config{DataDir: dir, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(2)
	}
	fmt.Printf("%s%d\n", pidPrefix, s.PID())
	time.Sleep(time.Hour)
}

func TestKill9LeavesNoOrphan(t *testing.T) {
	requirePG(t)
	t.Parallel()
	dataDir := filepath.Join(baseDir(t), "pg")

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+dataDir)
	cmd.Stderr = t.Output()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	pidc := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), pidPrefix); ok {
				pid, _ := strconv.Atoi(v)
				pidc <- pid
				break
			}
		}
		io.Copy(io.Discard, out)
		close(pidc)
	}()
	var pid int
	select {
	case pid = <-pidc:
	case <-time.After(2 * time.Minute):
		t.Fatal("helper did not report a postgres pid")
	}
	if pid <= 0 || !processAlive(pid) {
		t.Fatalf("helper reported pid %d, not a live process", pid)
	}
	kids := childPids(pid)

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	t0 := time.Now()
	waitGone(t, 10*time.Second, pid)
	t.Logf("postgres %d gone %v after kill -9 of its parent", pid, time.Since(t0))
	waitGone(t, 10*time.Second, kids...)

	log, _ := os.ReadFile(filepath.Join(dataDir, "log", "postgres.log"))
	if !strings.Contains(string(log), "fast shutdown request") {
		t.Errorf("server log shows no fast shutdown (SIGINT) after the parent died:\n%s", log)
	}
}

// onDoomedThread runs f on a goroutine locked to an OS thread other than the
// main one, lets that goroutine return while locked (so the runtime
// terminates the thread), and waits until the thread is gone. It returns the
// thread id.
func onDoomedThread(t *testing.T, f func()) int {
	t.Helper()
	tidc := make(chan int, 1)
	var run func()
	run = func() {
		runtime.LockOSThread() // never unlocked
		if tid := syscall.Gettid(); tid != os.Getpid() {
			f()
			tidc <- tid
			return
		}
		// On the main thread, which Go never terminates: while we hold it,
		// a new goroutine must run on another thread.
		done := make(chan struct{})
		go func() { defer close(done); run() }()
		<-done
		runtime.UnlockOSThread()
	}
	go run()
	tid := <-tidc
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", tid)); errors.Is(err, os.ErrNotExist) {
			return tid
		}
		if time.Now().After(deadline) {
			t.Fatalf("thread %d was not terminated", tid)
		}
	}
}

// TestSurvivesStarterThreadExit checks the Pdeathsig thread gotcha: the
// kernel signals the child when the thread that forked it exits. Start is
// called on a thread that then terminates; postgres must keep running.
func TestSurvivesStarterThreadExit(t *testing.T) {
	requirePG(t)
	t.Parallel()
	dataDir := filepath.Join(baseDir(t), "pg")
	var s *Server
	var err error
	tid := onDoomedThread(t, func() {
		s, err = Start(ctxTimeout(t, 2*time.Minute), Config{DataDir: dataDir, Logger: testLogger(t)})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(t, s) })
	t.Logf("Start ran on thread %d, which has exited", tid)
	time.Sleep(500 * time.Millisecond) // give a wrongly sent SIGINT time to act
	if !processAlive(s.PID()) {
		t.Fatal("postgres died when the thread that called Start exited")
	}
	var one int
	if err := connect(t, s).QueryRow(ctxTimeout(t, 10*time.Second), "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}

func TestUnexpectedExitWait(t *testing.T) {
	requirePG(t)
	t.Parallel()
	s, _ := start(t, Config{DataDir: filepath.Join(baseDir(t), "pg")})
	kids := childPids(s.PID())
	if err := syscall.Kill(s.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.Wait() }()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), "exited unexpectedly") {
			t.Errorf("Wait = %v, want an unexpected-exit error", err)
		}
		t.Logf("Wait: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return after postgres was killed")
	}
	waitGone(t, 10*time.Second, kids...)
	if err := s.Stop(context.Background()); err != nil {
		t.Errorf("Stop after exit = %v, want nil", err)
	}
}

func TestNoBinaries(t *testing.T) {
	t.Parallel()
	_, err := Start(ctxTimeout(t, time.Minute), Config{
		DataDir: filepath.Join(t.TempDir(), "pg"),
		BinDir:  t.TempDir(),
		Logger:  testLogger(t),
	})
	if err == nil {
		t.Fatal("Start with an empty BinDir succeeded")
	}
	t.Logf("Start: %v", err)
	for _, want := range []string{"apt-get install postgresql", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestLongDataDirPath(t *testing.T) {
	requirePG(t)
	t.Parallel()
	dataDir := baseDir(t)
	for dir := dataDir; len(dataDir)+len("/"+sockName) <= maxSockPath+20; dir = dataDir {
		dataDir = filepath.Join(dir, "a rather long directory name, it's")
	}
	t.Logf("data directory: %d bytes", len(dataDir))
	s, _ := start(t, Config{DataDir: dataDir, Database: "Tiến độ app"})
	if !strings.Contains(s.ConnString(), "host='"+sockBaseDir+"/localpg-") {
		t.Errorf("ConnString %q: want a fallback socket directory", s.ConnString())
	}
	var db string
	if err := connect(t, s).QueryRow(ctxTimeout(t, 10*time.Second), "SELECT current_database()").Scan(&db); err != nil || db != "Tiến độ app" {
		t.Fatalf("current_database = %q, %v", db, err)
	}
	sock, _, _ := socketDir(dataDir, account{uid: uint32(os.Geteuid())})
	stop(t, s)
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("fallback socket directory %s not removed after Stop: %v", sock, err)
	}
	// And again, now on an existing cluster.
	s, took := start(t, Config{DataDir: dataDir, Database: "Tiến độ app"})
	t.Logf("second start took %v", took)
	connect(t, s)
}

func TestLeftoverInitDirRemoved(t *testing.T) {
	requirePG(t)
	t.Parallel()
	base := baseDir(t)
	leftover := filepath.Join(base, initPrefix("pg")+"12345")
	if err := os.MkdirAll(filepath.Join(leftover, "base"), 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(leftover, "half-written"), []byte("x"), 0o600)
	dataDir := filepath.Join(base, "pg")
	s, _ := start(t, Config{DataDir: dataDir})
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover %s not removed: %v", leftover, err)
	}
	if readPGVersion(dataDir) == "" {
		t.Errorf("no cluster in %s", dataDir)
	}
	connect(t, s)
}

func TestUntraversableParent(t *testing.T) {
	requirePG(t)
	if os.Geteuid() != 0 {
		t.Skip("only relevant as root (postgres then runs as another OS user)")
	}
	t.Parallel()
	private := filepath.Join(baseDir(t), "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Start(ctxTimeout(t, time.Minute), Config{DataDir: filepath.Join(private, "pg"), Logger: testLogger(t)})
	if err == nil {
		t.Fatal("Start under a 0700 root directory succeeded")
	}
	t.Logf("Start: %v", err)
	if !strings.Contains(err.Error(), "cannot enter directory "+private+" ") {
		t.Errorf("error %q does not name %s", err, private)
	}
}

// TestPlacementOutsideUnreachableHome is not parallel: it changes the
// working directory and FallbackRoot. A clone in root's home (mode 0700)
// gets a data directory the postgres OS user can reach, and the server
// starts there.
func TestPlacementOutsideUnreachableHome(t *testing.T) {
	requirePG(t)
	if os.Geteuid() != 0 {
		t.Skip("only relevant as root (postgres then runs as another OS user)")
	}
	base := baseDir(t)
	home := filepath.Join(base, "root")
	clone := filepath.Join(home, "tiendo")
	if err := os.MkdirAll(clone, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chmod(home, 0o700)
	t.Chdir(clone)
	old := FallbackRoot
	FallbackRoot = filepath.Join(base, "var-lib-tiendo")
	t.Cleanup(func() { FallbackRoot = old })

	dir, moved := Placement("data/pg")
	if !moved || !strings.HasPrefix(dir, FallbackRoot+"/") {
		t.Fatalf("Placement(data/pg) in a 0700 home = %q, %v; want a directory under %s", dir, moved, FallbackRoot)
	}
	if again, _ := Placement("data/pg"); again != dir {
		t.Errorf("Placement is not stable: %q then %q", dir, again)
	}
	s, _ := start(t, Config{DataDir: dir})
	connect(t, s)
	if d, moved := Placement(filepath.Join(base, "pg")); moved || d != filepath.Join(base, "pg") {
		t.Errorf("a reachable directory was moved to %q", d)
	}
}

// TestFixTraversableInsideCwd is not parallel: it changes the working
// directory.
func TestFixTraversableInsideCwd(t *testing.T) {
	requirePG(t)
	if os.Geteuid() != 0 {
		t.Skip("only relevant as root (postgres then runs as another OS user)")
	}
	base := baseDir(t)
	if err := os.Mkdir(filepath.Join(base, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Chdir(base)
	s, _ := start(t, Config{DataDir: "data/pg"})
	fi, err := os.Stat(filepath.Join(base, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o701 {
		t.Errorf("mode of data = %v, want 0701", fi.Mode().Perm())
	}
	connect(t, s)
}

func TestParseInUse(t *testing.T) {
	log := `2025-01-01 00:00:00.000 UTC [42] FATAL:  lock file "postmaster.pid" already exists
2025-01-01 00:00:00.000 UTC [42] HINT:  Is another postmaster (PID 4711) running in data directory "/x/pg"?`
	if pid := parseInUse(log); pid != 4711 {
		t.Errorf("parseInUse = %d, want 4711", pid)
	}
	if pid := parseInUse("FATAL: something else"); pid != 0 {
		t.Errorf("parseInUse = %d, want 0", pid)
	}
}
