//go:build linux

package localpg

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

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
