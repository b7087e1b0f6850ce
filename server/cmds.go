package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/demo"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	_, closeStore, err := openStoreArgs(ctx, "migrate", args, stderr, logger)
	if err != nil {
		return err
	}
	closeStore()
	fmt.Fprintln(stdout, "schema is up to date")
	return nil
}

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, dbf := dbFlagSet("import", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: server import [flags] FILE...\n\nEach file is units, quotas, reports, crosswalk or campaigns CSV (told apart by its header row);\nfiles are imported in the order given, each all or nothing.")
		fs.PrintDefaults()
	}
	actor := fs.String("actor", "import", "who the audit log names as the writer")
	var opt domain.WriteOptions
	// Off unless asked for: bulk files are usually official records already
	// checked where they were kept (the spec's own example has figures far
	// above their quotas), where submitReports guards live typing.
	fs.Float64Var(&opt.QuotaFactor, "quota-factor", envFloat("QUOTA_FACTOR", -1), "refuse a reported figure above its quota times this factor, as submitReports does (e.g. 3); negative: no check [QUOTA_FACTOR]")
	fs.BoolVar(&opt.ConfirmAboveQuota, "confirm-above-quota", false, "store figures above the quota factor flagged for review instead of refusing the file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("no files to import")
	}
	store, closeStore, err := openStore(ctx, *dbf, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	for _, path := range fs.Args() {
		if err := importFile(ctx, store, path, *actor, opt, stdout, stderr); err != nil {
			return err
		}
	}
	return nil
}

// importFile imports one CSV file, all or nothing, printing progress.
func importFile(ctx context.Context, store *db.DB, path, actor string, opt domain.WriteOptions, stdout, stderr io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	name := filepath.Base(path)
	br := bufio.NewReaderSize(f, 1<<16)
	// A workbook is read as the CSV of its first sheet, by the same
	// readers and checks, its errors named by sheet and cell.
	cells := func(err error) error { return err }
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		sh, err := csvio.ReadXLSX(br, name)
		if err != nil {
			return fmt.Errorf("%s: nothing imported:\n%w", name, err)
		}
		br, cells = bufio.NewReader(bytes.NewReader(sh.CSV)), sh.Cells
	}
	header, err := csvio.ReadHeader(br)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	shape, err := csvio.DetectFile(header, name)
	if err != nil {
		return fmt.Errorf("%s: nothing imported:\n%w", name, cells(err))
	}
	start := time.Now()
	var res domain.ImportResult
	switch shape.Name {
	case "units":
		var rows []csvio.Line[domain.UnitRow]
		if err := csvio.ReadUnits(br, name, func(l csvio.Line[domain.UnitRow]) error { rows = append(rows, l); return nil }); err != nil {
			return cells(err)
		}
		res, err = store.ImportUnits(ctx, name, rows, actor)
	case "quotas":
		var rows []csvio.Line[domain.QuotaRow]
		if err := csvio.ReadQuotas(br, name, func(l csvio.Line[domain.QuotaRow]) error { rows = append(rows, l); return nil }); err != nil {
			return cells(err)
		}
		res, err = store.ImportQuotas(ctx, name, rows, actor)
	case "crosswalk":
		var rows []csvio.Line[domain.LinkRow]
		if err := csvio.ReadCrosswalk(br, name, func(l csvio.Line[domain.LinkRow]) error { rows = append(rows, l); return nil }); err != nil {
			return err
		}
		res, err = store.ImportCrosswalk(ctx, name, rows, actor)
	case "campaigns":
		var rows []csvio.Line[domain.CampaignDef]
		if rows, err = csvio.ReadAll(br, name, csvio.ReadCampaigns); err == nil {
			res, err = store.ImportCampaigns(ctx, name, rows, actor)
		}
	case "reports":
		src := func(fn func(csvio.Line[domain.ReportRow]) error) error { return csvio.ReadReports(br, name, fn) }
		res, err = store.ImportReportsWith(ctx, name, src, actor, opt, func(n int) {
			fmt.Fprintf(stderr, "%s: %s rows read…\n", name, formatThousands(n))
		})
	}
	if err != nil {
		return fmt.Errorf("%s: nothing imported:\n%w", name, cells(err))
	}
	switch {
	case res.FirstDay != nil && res.Inserted > 0:
		err = refreshCampaigns(ctx, store, domain.DateFromTime(*res.FirstDay), domain.DateFromTime(*res.LastDay), stderr)
	case (shape.Name == "quotas" || shape.Name == "crosswalk") && res.Inserted > 0:
		err = refreshAll(ctx, store, stderr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s %s rows read, %s written, %s unchanged (%.1f s)\n", name, formatThousands(res.Read), shape.Name,
		formatThousands(res.Inserted), formatThousands(res.Skipped), time.Since(start).Seconds())
	return nil
}

// formatThousands writes a count the English way: 48,552.
func formatThousands(n int) string { return numfmt.FormatCount(int64(n), numfmt.LangEN) }

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	store, closeStore, err := openStoreArgs(ctx, "demo", args, stderr, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	return loadDemo(ctx, store, stderr)
}

// loadDemoIfEmpty loads the demo dataset into a database without units.
func loadDemoIfEmpty(ctx context.Context, store *db.DB, stderr io.Writer, logger *slog.Logger) error {
	n, err := store.CountUnits(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		logger.Info("database has data; demo not loaded", "units", n)
		return nil
	}
	return loadDemo(ctx, store, stderr)
}

// loadDemo writes the demo dataset (see package demo).
func loadDemo(ctx context.Context, store *db.DB, stderr io.Writer) error {
	return demo.Load(ctx, store, stderr)
}

// refreshAll recomputes the figures of every campaign.
func refreshAll(ctx context.Context, store *db.DB, stderr io.Writer) error {
	return refreshCampaigns(ctx, store, domain.MustDate("1900-01-01"), domain.MustDate("9999-12-31"), stderr)
}

// refreshCampaigns recomputes the figures of the campaigns overlapping
// [from, to], from day from on.
func refreshCampaigns(ctx context.Context, store *db.DB, from, to domain.Date, stderr io.Writer) error {
	ids, err := store.CampaignIDs(ctx, from, to)
	if err != nil {
		return err
	}
	for _, id := range ids {
		start := time.Now()
		n, err := store.RefreshFigures(ctx, id, from, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "figures: campaign %d, %s rows in %.1f s\n", id, formatThousands(n), time.Since(start).Seconds())
	}
	return nil
}
