// Command server is Tiến Độ: the GraphQL API, the transparency portal and the
// tools around them, in one binary.
//
//	go run ./server [serve] [--demo]   serve the API and the portal (default)
//	go run ./server migrate            bring the database schema up to date
//	go run ./server import FILE...     import units, quotas or reports CSV files
//	go run ./server demo               load the demo dataset
//	go run ./server token ...          create, list or revoke API tokens
//
// Configuration comes from flags, with environment variables as fallbacks:
// DATABASE_URL, LISTEN_ADDR, CORS_ALLOWED_ORIGINS, ADMIN_TOKEN. Without
// DATABASE_URL the server runs a private PostgreSQL in --data-dir.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	logs := newLogBuffer(os.Stderr)
	logger, err := newLogger(logs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tiendo:", err)
		os.Exit(1)
	}
	slog.SetDefault(logger)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err = run(ctx, os.Args[1:], os.Stdout, os.Stderr, logger)
	logs.Flush()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0) // -h asked for the usage, which was printed
		}
		fmt.Fprintln(os.Stderr, "tiendo:", err)
		os.Exit(1)
	}
}

// run dispatches a subcommand; main and tests call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return cmdServe(ctx, args, stderr, logger)
	case "migrate":
		return cmdMigrate(ctx, args, stdout, stderr, logger)
	case "import":
		return cmdImport(ctx, args, stdout, stderr, logger)
	case "demo":
		return cmdDemo(ctx, args, stdout, stderr, logger)
	case "token":
		return cmdToken(ctx, args, stdout, stderr, logger)
	case "publish":
		return cmdPublish(ctx, args, stdout, stderr, logger)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

const usage = `Tiến Độ — the public record of Vietnam's e-ID registration drives.

Usage:
  server [serve] [flags]      serve the GraphQL API (/graphql, /graphiql) and the portal (/)
  server migrate [flags]      bring the database schema up to date and exit
  server import [flags] FILE  import CSV files (units, quotas, reports, crosswalk or campaigns; told apart by their header)
  server demo [flags]         load the demo dataset into an empty database
  server token create|list|revoke   manage API tokens (secrets shown once, stored hashed)
  server publish --out DIR --site-url URL   write the portal and the bulletin archive as
                              static files for any static host (--api: where the API is)

Common flags (environment fallback in brackets):
  --database-url URL   PostgreSQL connection string [DATABASE_URL]; empty: a private
                       PostgreSQL is started in --data-dir from the installed binaries
  --data-dir DIR       where the private PostgreSQL keeps its data (default ./data/pg)

Run "server COMMAND -h" for a command's own flags.
`

// dbFlags are the flags every command that touches the database shares.
type dbFlags struct {
	databaseURL string
	dataDir     string
}

// dbFlagSet is a command's flag set, writing its errors and usage to stderr,
// with the database flags registered.
func dbFlagSet(name string, stderr io.Writer) (*flag.FlagSet, *dbFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbf := &dbFlags{}
	dbf.register(fs)
	return fs, dbf
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.databaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL connection string [DATABASE_URL]; empty starts a private PostgreSQL")
	fs.StringVar(&f.dataDir, "data-dir", envOr("DATA_DIR", "./data/pg"), "data directory of the private PostgreSQL [DATA_DIR]")
}
