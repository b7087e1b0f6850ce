package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"text/tabwriter"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

const tokenUsage = `usage:
  server token create --role admin|reporter [--unit CODE] --name "…"
                                  create a token and print its secret, once
  server token list               list tokens (never their secrets)
  server token revoke ID          revoke a token at once

Only a SHA-256 hash of a secret is stored: a lost secret cannot be shown
again; revoke it and create a new one. Reporter tokens write reports inside
their unit's subtree; admin tokens write everything.
`

// cmdToken manages API tokens.
func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, tokenUsage)
		if len(args) == 0 {
			return fmt.Errorf("token: no action")
		}
		return nil
	}
	action, args := args[0], args[1:]
	fs, dbf := dbFlagSet("token "+action, stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tokenUsage); fs.PrintDefaults() }
	role := fs.String("role", "", "admin or reporter (create)")
	unit := fs.String("unit", "", "the reporter's unit code (create)")
	name := fs.String("name", "", "whose token it is, e.g. \"Công an xã Tân Lập\" (create)")
	operator := fs.String("operator", envOr("USER", "cli"), "who the audit log names as the operator [USER]")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var revokeID int64
	switch action {
	case "create":
		if *role == "" || *name == "" || fs.NArg() > 0 {
			fs.Usage()
			return fmt.Errorf("token create needs --role and --name")
		}
	case "list":
		if fs.NArg() > 0 {
			fs.Usage()
			return fmt.Errorf("token list takes no arguments")
		}
	case "revoke":
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if fs.NArg() != 1 || err != nil || id <= 0 {
			fs.Usage()
			return fmt.Errorf("token revoke needs one token id (see token list)")
		}
		revokeID = id
	default:
		fmt.Fprint(stderr, tokenUsage)
		return fmt.Errorf("unknown token action %q", action)
	}
	store, closeStore, err := openStore(ctx, *dbf, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	by := domain.CLI("cli:" + *operator)
	switch action {
	case "create":
		t, secret, err := store.CreateToken(ctx, by, *role, *unit, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "token %d created for %s (%s%s). The secret is shown this once; keep it safe:\n",
			t.ID, t.Name, t.Role, unitSuffix(t.UnitCode))
		fmt.Fprintln(stdout, secret)
	case "list":
		ts, err := store.ListTokens(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tROLE\tUNIT\tNAME\tCREATED\tREVOKED")
		for _, t := range ts {
			revoked := "-"
			if t.RevokedAt != nil {
				revoked = t.RevokedAt.Format("2006-01-02 15:04")
			}
			unit := t.UnitCode
			if unit == "" {
				unit = "-"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, unit, t.Name, t.CreatedAt.Format("2006-01-02 15:04"), revoked)
		}
		return w.Flush()
	case "revoke":
		at, already, err := store.RevokeToken(ctx, by, revokeID)
		if err != nil {
			return err
		}
		if already {
			fmt.Fprintf(stdout, "token %d was already revoked on %s; nothing changed\n", revokeID, at.Local().Format("2006-01-02 15:04"))
			return nil
		}
		fmt.Fprintf(stdout, "token %d revoked\n", revokeID)
	}
	return nil
}

func unitSuffix(code string) string {
	if code == "" {
		return ""
	}
	return ", unit " + code
}

// bootstrapAdmin makes sure the ADMIN_TOKEN secret is an admin token.
func bootstrapAdmin(ctx context.Context, store *db.DB, secret string, logger *slog.Logger) error {
	if secret == "" {
		return nil
	}
	created, err := store.BootstrapAdmin(ctx, secret)
	if err != nil {
		return fmt.Errorf("ADMIN_TOKEN: %w", err)
	}
	if created {
		logger.Info("admin token created from ADMIN_TOKEN")
	}
	return nil
}
