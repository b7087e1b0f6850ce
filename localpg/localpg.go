// Package localpg runs a private PostgreSQL server as a child process of the
// service, for when no DATABASE_URL is given.
//
// The server is started from the PostgreSQL binaries installed on the machine
// (Config.BinDir, else $PG_BINDIR, else the newest /usr/lib/postgresql/*/bin).
// On first use the data directory is created with initdb, into a temporary
// sibling directory that is renamed into place only when initdb succeeded, so
// an interrupted first start never leaves a half-made cluster behind (the
// leftover temporary directory is removed by the next start).
//
// The server listens only on a unix socket, never on TCP, so it cannot clash
// with a system PostgreSQL on port 5432. The socket lives in the data
// directory itself; when that path would exceed the 107-byte limit of a unix
// socket path, a private fallback directory /tmp/localpg-<hash of the data
// directory> (mode 0700, owned by the server's OS user) is used instead and
// removed again when the server stops.
//
// PostgreSQL refuses to run as root. When the service runs as root, initdb and
// postgres run as the "postgres" OS user and the data directory is owned by
// it; every directory above the data directory must then be searchable (x
// bit) by that user. Start checks this and fails naming the first directory
// that is not. It repairs a directory itself (adding only o+x, never read
// permission) only when that is clearly safe: directories it created itself,
// and directories owned by root strictly inside the current working
// directory. When the service does not run as root, the children run as the
// service's own user.
//
// The postgres process dies with the service: it receives SIGINT (fast
// shutdown) from the kernel when the service exits for any reason, including
// kill -9 (Linux parent-death signal). Its server log is appended to
// <DataDir>/log/postgres.log.
//
// Only Linux is supported; on other systems Start returns an error asking for
// DATABASE_URL.
package localpg

import (
	"errors"
	"log/slog"
)

// Default values used when the corresponding Config field is empty.
const (
	DefaultDataDir  = "./data/pg"
	DefaultDatabase = "tiendo"
)

// Config configures Start. The zero value is usable.
type Config struct {
	// DataDir is the PostgreSQL data directory (cluster). It is created on
	// first start and made absolute (symlinks resolved). Default
	// DefaultDataDir ("./data/pg", relative to the working directory).
	DataDir string

	// BinDir is the directory holding the initdb and postgres programs.
	// Default: $PG_BINDIR if set, else the newest /usr/lib/postgresql/*/bin,
	// preferring the major version that created an existing data directory.
	BinDir string

	// Database is the application database; it is created if missing.
	// Default DefaultDatabase ("tiendo").
	Database string

	// Logger receives progress and error messages. Default slog.Default().
	Logger *slog.Logger
}

// ErrInUse is matched (with errors.Is) by the error Start returns when the
// data directory is already used by another running PostgreSQL server, for
// example a second instance of the service.
var ErrInUse = errors.New("localpg: data directory in use by another server")

func (c Config) withDefaults() Config {
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
