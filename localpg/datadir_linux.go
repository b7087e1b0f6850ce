package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// resolve makes an absolute path canonical (symlinks resolved); the last
// element may not exist yet.
func resolve(p string) (string, error) {
	if _, err := os.Lstat(p); err == nil {
		r, err := filepath.EvalSymlinks(p)
		if err != nil {
			return "", fmt.Errorf("localpg: %w", err)
		}
		return r, nil
	}
	parent, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return "", fmt.Errorf("localpg: %w", err)
	}
	return filepath.Join(parent, filepath.Base(p)), nil
}

// initPrefix names the temporary siblings initdb works in.
func initPrefix(base string) string { return "." + base + ".initdb-" }

// removeStaleInitDirs removes temporary initdb directories left by an
// interrupted first start. A directory still being filled holds an flock and
// is left alone.
func removeStaleInitDirs(parent, base string, log *slog.Logger) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), initPrefix(base)) {
			continue
		}
		p := filepath.Join(parent, e.Name())
		f, err := lockDir(p)
		if err != nil {
			continue // in use by a concurrent start
		}
		log.Warn("localpg: removing leftover of an interrupted initdb", "dir", p)
		os.RemoveAll(p)
		f.Close()
	}
}

// lockDir opens dir and takes an exclusive, non-blocking flock on it.
func lockDir(dir string) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// prepareDataDir makes sure dataDir holds a cluster, running initdb in a
// temporary sibling that is renamed into place on success.
func prepareDataDir(ctx context.Context, dataDir, binDir string, acct account, log *slog.Logger) error {
	switch fi, err := os.Stat(dataDir); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("localpg: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("localpg: data directory %s exists but is not a directory", dataDir)
	case readPGVersion(dataDir) != "":
		return nil // existing cluster
	default:
		if entries, err := os.ReadDir(dataDir); err != nil || len(entries) > 0 {
			return fmt.Errorf("localpg: data directory %s exists but is not a PostgreSQL data directory (no PG_VERSION) and is not empty; move it away", dataDir)
		}
		// An empty directory: rename(2) replaces it.
	}

	t0 := time.Now()
	parent, base := filepath.Dir(dataDir), filepath.Base(dataDir)
	tmp, err := os.MkdirTemp(parent, initPrefix(base))
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	lock, err := lockDir(tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("localpg: lock %s: %w", tmp, err)
	}
	defer lock.Close()
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := acct.chown(tmp); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	log.Info("localpg: initializing PostgreSQL data directory", "dir", dataDir, "run_as", acct.name)

	ctx, cancel := context.WithTimeout(ctx, initdbTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "initdb"),
		"-D", tmp, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.Dir = "/"
	cmd.Env = childEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: acct.cred, Pdeathsig: syscall.SIGKILL, Setpgid: true}
	p, err := startLocked(cmd)
	if err != nil {
		return fmt.Errorf("localpg: start %s: %w", cmd.Path, err)
	}
	<-p.done
	if p.err != nil {
		return fmt.Errorf("localpg: initdb failed (%v):\n%s", p.err, lastLines(out.String(), 25))
	}

	if err := os.Rename(tmp, dataDir); err != nil {
		if readPGVersion(dataDir) != "" {
			// A concurrent start won the race; use its cluster.
			return nil
		}
		return fmt.Errorf("localpg: %w", err)
	}
	done = true
	if d, err := os.Open(parent); err == nil {
		d.Sync()
		d.Close()
	}
	log.Info("localpg: initialized PostgreSQL data directory", "dir", dataDir, "took", time.Since(t0).Round(time.Millisecond))
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
