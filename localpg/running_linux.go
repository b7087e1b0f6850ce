package localpg

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

// livePostmaster reports the pid of a running postmaster recorded in
// dataDir/postmaster.pid, if any.
func livePostmaster(dataDir string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return 0, false
	}
	if !processAlive(pid) {
		return 0, false
	}
	// A stale file whose pid was reused by an unrelated process is left for
	// postgres itself to judge.
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil {
		if c := strings.TrimSpace(string(comm)); c != "postgres" && c != "postmaster" {
			return 0, false
		}
	}
	return pid, true
}

// processAlive reports whether pid exists and is not a zombie.
func processAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	// Format: pid (comm) state ...; comm may contain ')'.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z' && stat[i+2] != 'X'
	}
	return true
}

var inUseRE = regexp.MustCompile(`another postmaster \(PID (\d+)\)`)

// parseInUse finds the pid in postgres' "lock file ... already exists / Is
// another postmaster (PID N) running" message.
func parseInUse(log string) int {
	m := inUseRE.FindStringSubmatch(log)
	if m == nil {
		return 0
	}
	pid, _ := strconv.Atoi(m[1])
	return pid
}

// inUseError reports a data directory used by another server.
type inUseError struct {
	dir string
	pid int
}

func (e *inUseError) Error() string {
	return fmt.Sprintf("localpg: data directory %s is in use by another server (pid %d); stop it or use another data directory", e.dir, e.pid)
}

func (e *inUseError) Is(target error) bool { return target == ErrInUse }

// gucQuote quotes a directory for a list-valued setting such as
// unix_socket_directories.
func gucQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// kvQuote quotes a value for a libpq keyword/value connection string.
func kvQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func connString(sockDir, db string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", kvQuote(sockDir), pgPort, kvQuote(db))
}

// Running returns the connection string of a private PostgreSQL that another
// process (a running `serve`) already runs on dataDir, read from its
// postmaster.pid (line 5 names the socket directory), so a command-line tool
// can share it instead of failing with ErrInUse. ok is false when no live
// server runs there.
func Running(dataDir, database string) (conn string, ok bool) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", false
	}
	if _, live := livePostmaster(abs); !live {
		return "", false
	}
	b, err := os.ReadFile(filepath.Join(abs, "postmaster.pid"))
	if err != nil {
		return "", false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 || strings.TrimSpace(lines[4]) == "" {
		return "", false
	}
	return connString(strings.TrimSpace(lines[4]), database), true
}
