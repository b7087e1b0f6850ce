package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/portal"
	"github.com/tiendo-vn/tiendo/publish"
)

// cmdPublish writes the portal and the bulletin archive as static files.
func cmdPublish(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, dbf := dbFlagSet("publish", stderr)
	out := fs.String("out", "", "directory to write the static site into (required)")
	api := fs.String("api", envOr("PORTAL_API_URL", "/graphql"), "the GraphQL endpoint the pages call: /graphql on the API's own origin, else its absolute URL, whose server must allow the site's origin in CORS_ALLOWED_ORIGINS; none: the pages read only the copy's data/ files, as they do whenever the API does not answer [PORTAL_API_URL]")
	base := fs.String("base", "/", "the path the site is served under, e.g. /tiendo/ on a project page")
	contact := fs.String("contact", envOr("CONTACT", ""), "where readers report an error in a figure, printed on every bulletin page [CONTACT]")
	grace := fs.Duration("publish-grace", envDuration("PUBLISH_GRACE", 30*time.Minute), "publish first the bulletins whose day's deadline passed this long ago, as the server does [PUBLISH_GRACE]")
	site := fs.String("site-url", envOr("SITE_URL", ""), "the site's absolute URL, e.g. https://tiendo.example.org, or with the path it is served under (https://example.org/tiendo/, which is then the base path): Atom feeds need absolute links (required) [SITE_URL]")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: server publish --out DIR --site-url URL [--api URL] [--base /path/]")
		fmt.Fprintln(stderr, "Writes the portal and every published bulletin (pages in both languages, every revision, CSV and JSON, Atom feeds) as static files, with every published day's figures under data/ for the pages to read when no API answers.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("publish needs --out DIR")
	}
	if !strings.HasPrefix(*site, "http://") && !strings.HasPrefix(*site, "https://") {
		fs.Usage()
		return fmt.Errorf("publish needs --site-url with http:// or https:// (got %q): Atom feeds must link absolutely", *site)
	}
	store, closeStore, err := openStore(ctx, *dbf, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	start := time.Now()
	files, err := portal.Export(*out, *api)
	if err != nil {
		return fmt.Errorf("writing the portal: %w", err)
	}
	for _, f := range graph.SchemaFiles() { // the schema as files, as the server serves them
		if err := writeFileAtomic(filepath.Join(*out, f.Name), f.Body); err != nil {
			return fmt.Errorf("writing the schema: %w", err)
		}
		files = append(files, f.Name)
	}
	fmt.Fprintf(stderr, "portal: %d files\n", len(files))
	last := time.Now()
	// What the server would have published by now is published first: a
	// database the demo was loaded into but no server has run still gets
	// its archive.
	svc := &publish.Service{DB: store, Logger: logger, Grace: *grace, Contact: *contact}
	due, err := svc.PublishDue(ctx)
	if err != nil {
		return fmt.Errorf("publishing the bulletins due: %w", err)
	}
	if due > 0 {
		fmt.Fprintf(stderr, "bulletins: %s due, published now\n", formatThousands(due))
	}
	n, err := svc.Export(ctx, publish.ExportOptions{Dir: *out, Base: *base, SiteURL: *site,
		Progress: func(done, total int, file string) {
			if done == total || time.Since(last) > time.Second {
				last = time.Now()
				fmt.Fprintf(stderr, "bulletins: %s of %s files (%d%%) %s\n", formatThousands(done), formatThousands(total), done*100/total, file)
			}
		}})
	if err != nil {
		return fmt.Errorf("writing the bulletins (%d files written): %w", n, err)
	}
	// The pages' data, for a host where no API answers (publish/static_data.go).
	gql := graph.LoaderMiddleware(store, httpapi.NewHandler(&graph.Resolver{DB: store, Logger: logger, Bulletins: svc, Contact: *contact}, httpapi.Limits{CacheBytes: -1}))
	data, err := svc.ExportData(ctx, *out, gql)
	if err != nil {
		return fmt.Errorf("writing the pages' data: %w", err)
	}
	fmt.Fprintf(stderr, "data: %s files, %s bytes\n", formatThousands(data.Files), formatThousands(int(data.Bytes)))
	n += data.Files
	fmt.Fprintf(stdout, "wrote %s files to %s in %s\n", formatThousands(len(files)+n), *out, time.Since(start).Round(time.Millisecond))
	if _, err := os.Stat(*out); err != nil {
		return err
	}
	return nil
}

// writeFileAtomic writes a file through a rename, so a host never serves
// half of it.
func writeFileAtomic(name string, body []byte) error {
	if err := os.WriteFile(name+".tmp", body, 0o644); err != nil {
		return err
	}
	return os.Rename(name+".tmp", name)
}
