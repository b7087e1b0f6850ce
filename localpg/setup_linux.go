package localpg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

const (
	installHint = "install PostgreSQL (apt-get install postgresql) or set DATABASE_URL to use an existing server"

	pgPort      = 5432
	sockName    = ".s.PGSQL.5432"
	maxSockPath = 107 // sizeof(sockaddr_un.sun_path) - 1 on Linux
	sockBaseDir = "/tmp"
)

// account is the OS user the PostgreSQL children run as.
type account struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32
	cred   *syscall.Credential // nil: run as the current user
}

// runAccount returns the current user, or the "postgres" user when running
// as root (PostgreSQL refuses to run as root).
func runAccount() (account, error) {
	if os.Geteuid() != 0 {
		a := account{uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}
		if u, err := user.Current(); err == nil {
			a.name = u.Username
		}
		return a, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return account{}, fmt.Errorf("localpg: running as root, but PostgreSQL refuses to run as root and there is no \"postgres\" OS user to run it as (%v); %s, or run the service as a non-root user", err, installHint)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return account{}, fmt.Errorf("localpg: unexpected uid/gid %q/%q for OS user postgres", u.Uid, u.Gid)
	}
	a := account{name: u.Username, uid: uint32(uid), gid: uint32(gid)}
	a.groups = []uint32{a.gid}
	if ids, err := u.GroupIds(); err == nil {
		for _, s := range ids {
			if g, err := strconv.ParseUint(s, 10, 32); err == nil && !slices.Contains(a.groups, uint32(g)) {
				a.groups = append(a.groups, uint32(g))
			}
		}
	}
	if a.uid == 0 {
		return account{}, errors.New("localpg: the \"postgres\" OS user has uid 0; PostgreSQL refuses to run as root")
	}
	a.cred = &syscall.Credential{Uid: a.uid, Gid: a.gid, Groups: a.groups}
	return a, nil
}

// chown gives path to the account when running as root (no-op otherwise).
func (a account) chown(path string) error {
	if a.cred == nil {
		return nil
	}
	return os.Lchown(path, int(a.uid), int(a.gid))
}

// findBinDir picks the directory with initdb and postgres. explicit is
// Config.BinDir; clusterVersion is the PG_VERSION of an existing data
// directory ("" if none).
func findBinDir(explicit, clusterVersion string) (string, error) {
	for _, c := range []struct{ dir, what string }{
		{explicit, "Config.BinDir"},
		{os.Getenv("PG_BINDIR"), "PG_BINDIR"},
	} {
		if c.dir == "" {
			continue
		}
		if err := hasServerBinaries(c.dir); err != nil {
			return "", fmt.Errorf("localpg: no PostgreSQL server binaries in %s=%s (%v); %s", c.what, c.dir, err, installHint)
		}
		return filepath.Abs(c.dir)
	}

	const pattern = "/usr/lib/postgresql/*/bin"
	matches, _ := filepath.Glob(pattern)
	type cand struct {
		dir string
		ver []int
		raw string
	}
	var cands []cand
	for _, m := range matches {
		if hasServerBinaries(m) != nil {
			continue
		}
		raw := filepath.Base(filepath.Dir(m))
		var ver []int
		for _, f := range strings.Split(raw, ".") {
			n, err := strconv.Atoi(f)
			if err != nil {
				ver = nil
				break
			}
			ver = append(ver, n)
		}
		if ver != nil {
			cands = append(cands, cand{m, ver, raw})
		}
	}
	if len(cands) == 0 {
		return "", fmt.Errorf("localpg: no PostgreSQL server binaries found (looked in %s and PG_BINDIR); %s", pattern, installHint)
	}
	slices.SortFunc(cands, func(a, b cand) int { return slices.Compare(b.ver, a.ver) })
	for _, c := range cands {
		if c.raw == clusterVersion {
			return c.dir, nil
		}
	}
	return cands[0].dir, nil
}

func hasServerBinaries(dir string) error {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("%s not found", name)
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return fmt.Errorf("%s is not an executable file", name)
		}
	}
	return nil
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// serverVersion returns the major version of binDir/postgres, in the form
// PG_VERSION uses ("15", or "9.6" before version 10).
func serverVersion(binDir string) (string, error) {
	out, err := exec.Command(filepath.Join(binDir, "postgres"), "-V").Output()
	if err != nil {
		return "", fmt.Errorf("localpg: %s -V: %v", filepath.Join(binDir, "postgres"), err)
	}
	m := versionRE.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("localpg: cannot parse version %q of %s", bytes.TrimSpace(out), filepath.Join(binDir, "postgres"))
	}
	if n, _ := strconv.Atoi(string(m[1])); n < 10 && len(m[2]) > 0 {
		return string(m[1]) + "." + string(m[2]), nil
	}
	return string(m[1]), nil
}

// readPGVersion returns the PG_VERSION of dataDir, "" if there is none.
func readPGVersion(dataDir string) string {
	b, err := os.ReadFile(filepath.Join(dataDir, "PG_VERSION"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// mkdirParents creates dir and its missing parents. When the children run as
// another user (we are root), the directories it creates are made 0755
// regardless of the umask, so that user can traverse them.
func mkdirParents(dir string, a account) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if a.cred != nil {
		for _, d := range missing {
			if err := os.Chmod(d, 0o755); err != nil {
				return fmt.Errorf("localpg: %w", err)
			}
		}
	}
	return nil
}

// checkTraversable verifies that account a may search dir and every
// directory above it. A directory that is not searchable is repaired by
// adding o+x only if it is owned by us (root) and lies strictly inside the
// working directory cwd (pass "" to never repair); otherwise the error names
// it. Directories carrying a POSIX ACL are not judged (the mode bits do not
// tell the whole story); a real problem then shows up when postgres starts.
// target (e.g. "data directory /x/pg") is named in the error.
func checkTraversable(dir string, a account, cwd string, log *slog.Logger, target string) error {
	if a.cred == nil {
		return nil
	}
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("localpg: %w", err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if !canSearch(fi.Mode().Perm(), st, a) && !hasACL(d) {
			if cwd != "" && strings.HasPrefix(d, cwd+"/") && st.Uid == uint32(os.Geteuid()) {
				mode := fi.Mode().Perm() | 0o001
				if err := os.Chmod(d, mode); err != nil {
					return fmt.Errorf("localpg: %w", err)
				}
				log.Warn("localpg: made directory searchable for the postgres OS user (o+x)", "dir", d, "mode", mode)
			} else {
				return fmt.Errorf("localpg: PostgreSQL runs as OS user %q (the service runs as root), which cannot enter directory %s (mode %v, owner uid %d, group gid %d) on the way to %s; run `chmod o+x %s` or choose a directory elsewhere (e.g. under /var/lib or /srv)",
					a.name, d, fi.Mode().Perm(), st.Uid, st.Gid, target, d)
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func canSearch(perm fs.FileMode, st *syscall.Stat_t, a account) bool {
	switch {
	case st.Uid == a.uid:
		return perm&0o100 != 0
	case slices.Contains(a.groups, st.Gid):
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

func hasACL(path string) bool {
	n, err := syscall.Getxattr(path, "system.posix_acl_access", nil)
	return err == nil && n > 0
}

// chownTree gives dir and everything in it to a (root only), if dir is not
// already owned by a.
func chownTree(dir string, a account, log *slog.Logger) error {
	if a.cred == nil {
		return nil
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != a.uid {
		log.Warn("localpg: changing owner of data directory to the postgres OS user", "dir", dir, "user", a.name)
		err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return a.chown(p)
		})
		if err != nil {
			return fmt.Errorf("localpg: chown %s: %w", dir, err)
		}
	}
	if fi.Mode().Perm()&0o027 != 0 {
		// postgres requires 0700 or 0750.
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("localpg: %w", err)
		}
	}
	return nil
}

// socketDir returns the directory for the unix socket: the data directory
// itself, or a private /tmp/localpg-<hash> directory when the socket path
// would be too long (or the data directory path contains a comma, which
// connection strings treat as a host separator).
func socketDir(dataDir string, a account) (dir string, fallback bool, err error) {
	if len(dataDir)+1+len(sockName) <= maxSockPath && !strings.Contains(dataDir, ",") {
		return dataDir, false, nil
	}
	sum := sha256.Sum256([]byte(dataDir))
	dir = filepath.Join(sockBaseDir, "localpg-"+hex.EncodeToString(sum[:8]))
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", false, fmt.Errorf("localpg: socket directory: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return "", false, fmt.Errorf("localpg: socket directory: %w", err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || (st.Uid != a.uid && st.Uid != uint32(os.Geteuid())) {
		return "", false, fmt.Errorf("localpg: socket directory %s (used because the socket path in %s would exceed %d bytes) exists but is not a directory owned by us; remove it", dir, dataDir, maxSockPath)
	}
	if err := a.chown(dir); err != nil {
		return "", false, fmt.Errorf("localpg: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", false, fmt.Errorf("localpg: %w", err)
	}
	return dir, true, nil
}

// childEnv is the environment of initdb and postgres: ours without PG*
// variables (PGPORT would change the socket name) and locale variables
// (messages must stay in English so they can be recognised).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "LC_") || k == "LANG" || k == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// FallbackRoot is where Placement moves a data directory that the postgres
// OS user could not reach.
var FallbackRoot = "/var/lib/tiendo"

// Placement returns where the private PostgreSQL of dataDir should live.
// As root, PostgreSQL runs as the postgres OS user, which cannot enter a
// directory such as /root (mode 0700): a clone in root's home would fail.
// Directories inside the working directory are made searchable by Start
// itself; when an ancestor outside it blocks the way, Placement answers a
// directory under FallbackRoot named after dataDir's absolute path (the
// same clone always gets the same one), and moved is true.
func Placement(dataDir string) (dir string, moved bool) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return dataDir, false
	}
	acct, err := runAccount()
	if err != nil || acct.cred == nil {
		return abs, false
	}
	cwd, _ := os.Getwd()
	if r, err := filepath.EvalSymlinks(cwd); err == nil {
		cwd = r
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		if r, err := filepath.EvalSymlinks(d); err == nil {
			fi, err := os.Stat(r)
			if err == nil {
				st := fi.Sys().(*syscall.Stat_t)
				fixable := cwd != "" && strings.HasPrefix(r, cwd+"/") && st.Uid == uint32(os.Geteuid())
				if !canSearch(fi.Mode().Perm(), st, acct) && !hasACL(r) && !fixable {
					sum := sha256.Sum256([]byte(abs))
					name := strings.Trim(strings.NewReplacer("/", "-", " ", "_").Replace(abs), "-")
					if len(name) > 40 {
						name = name[len(name)-40:]
					}
					return filepath.Join(FallbackRoot, fmt.Sprintf("%s-%x", name, sum[:4])), true
				}
			}
		}
		if d == filepath.Dir(d) {
			return abs, false
		}
	}
}
