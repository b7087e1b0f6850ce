package db

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// TokenPrefix starts every secret this service issues, so a leaked one is
// easy to recognise in logs and code.
const TokenPrefix = "td_"

// MinSecretLength is the shortest secret Authenticate and BootstrapAdmin accept.
const MinSecretLength = 16

// Token is a stored API token; its secret is never stored, only its hash.
type Token struct {
	ID        int64
	Name      string
	Role      string
	UnitCode  string // "" for admins without a unit
	CreatedAt time.Time
	RevokedAt *time.Time
}

// hashSecret is what is stored for a secret: its SHA-256.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// newSecret returns a fresh random secret: the prefix and 32 random bytes.
func newSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// CreateToken stores a new token and returns it with its secret, which is
// shown this once and never stored. A reporter needs a unit (its code, valid
// today or on any day if it no longer exists); an admin may have none.
// BAD_INPUT for an unknown role, a blank name or an unknown unit.
func (db *DB) CreateToken(ctx context.Context, by *domain.Principal, role, unitCode, name string) (*Token, string, error) {
	secret := newSecret()
	t, err := db.storeToken(ctx, by, role, unitCode, name, secret, false)
	return t, secret, err
}

// BootstrapAdmin makes sure an admin token with this secret exists (the
// ADMIN_TOKEN setting). It is idempotent: a stored token with the same
// secret is kept as it is, even if it was revoked (a revoked bootstrap
// secret stays revoked; set a new one). It reports whether it created one.
func (db *DB) BootstrapAdmin(ctx context.Context, secret string) (bool, error) {
	if len(secret) < MinSecretLength {
		return false, domain.Errorf(domain.EINVALID, "ADMIN_TOKEN must be at least %d characters long", MinSecretLength)
	}
	t, err := db.storeToken(ctx, domain.CLI("ADMIN_TOKEN"), domain.RoleAdmin, "", "bootstrap admin (ADMIN_TOKEN)", secret, true)
	return t != nil, err
}

func (db *DB) storeToken(ctx context.Context, by *domain.Principal, role, unitCode, name, secret string, ifAbsent bool) (*Token, error) {
	name = strings.TrimSpace(name)
	if role != domain.RoleAdmin && role != domain.RoleReporter {
		return nil, domain.Errorf(domain.EINVALID, "role must be %s or %s, not %q", domain.RoleAdmin, domain.RoleReporter, role)
	}
	if name == "" {
		return nil, domain.Errorf(domain.EINVALID, "a token needs a name saying whose it is")
	}
	if role == domain.RoleReporter && unitCode == "" {
		return nil, domain.Errorf(domain.EINVALID, "a reporter token needs a unit")
	}
	var t *Token
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		t = nil
		var unitID *int64
		if unitCode != "" {
			var id int64
			// The unit valid today, else the latest one with the code.
			err := tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1
				ORDER BY valid @> current_date DESC, upper(valid) DESC NULLS FIRST LIMIT 1`, unitCode).Scan(&id)
			if err == pgx.ErrNoRows {
				return domain.Errorf(domain.EINVALID, "unknown unit %q", unitCode)
			} else if err != nil {
				return err
			}
			unitID = &id
		}
		var id int64
		var created time.Time
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (name, role, unit_id, hash) VALUES ($1, $2, $3, $4)
			ON CONFLICT (hash) DO NOTHING RETURNING id, created_at`, name, role, unitID, hashSecret(secret)).Scan(&id, &created)
		if err == pgx.ErrNoRows {
			if ifAbsent {
				return nil
			}
			return domain.Errorf(domain.ECONFLICT, "a token with this secret exists already")
		} else if err != nil {
			return mapErr(err, "token")
		}
		t = &Token{ID: id, Name: name, Role: role, UnitCode: unitCode, CreatedAt: created}
		return db.auditAs(ctx, tx, by, "create", "token", fmt.Sprint(id), nil,
			map[string]any{"id": id, "name": name, "role": role, "unit": unitCode})
	})
	return t, err
}

// ListTokens returns every token, newest first, without secrets.
func (db *DB) ListTokens(ctx context.Context) ([]*Token, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT t.id, t.name, t.role, COALESCE(u.code, ''), t.created_at, t.revoked_at
		FROM api_tokens t LEFT JOIN units u ON u.id = t.unit_id ORDER BY t.id DESC`)
	if err != nil {
		return nil, mapErr(err, "tokens")
	}
	ts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Token, error) {
		var t Token
		err := row.Scan(&t.ID, &t.Name, &t.Role, &t.UnitCode, &t.CreatedAt, &t.RevokedAt)
		return &t, err
	})
	return ts, mapErr(err, "tokens")
}

// RevokeToken revokes a token at once; NOT_FOUND if there is none with the
// id. Revoking a revoked token changes nothing: already is true and
// revokedAt is when it was first revoked.
func (db *DB) RevokeToken(ctx context.Context, by *domain.Principal, id int64) (revokedAt time.Time, already bool, err error) {
	err = db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var before *time.Time
		if err := tx.QueryRow(ctx, `SELECT revoked_at FROM api_tokens WHERE id = $1 FOR UPDATE`, id).Scan(&before); err != nil {
			return mapErr(err, fmt.Sprintf("token %d", id))
		}
		if before != nil {
			revokedAt, already = *before, true
			return nil
		}
		if err := tx.QueryRow(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 RETURNING revoked_at`, id).Scan(&revokedAt); err != nil {
			return err
		}
		return db.auditAs(ctx, tx, by, "revoke", "token", fmt.Sprint(id),
			map[string]any{"revokedAt": nil}, map[string]any{"revokedAt": revokedAt})
	})
	return revokedAt, already, err
}

// Authenticate returns the principal of a secret: UNAUTHENTICATED if no
// live (unrevoked) token has it.
func (db *DB) Authenticate(ctx context.Context, secret string) (*domain.Principal, error) {
	if len(secret) < MinSecretLength || len(secret) > 512 {
		return nil, domain.Errorf(domain.EUNAUTHENTICATED, "the bearer token is not valid")
	}
	var p domain.Principal
	var code *string
	err := db.reader(ctx).QueryRow(ctx, `SELECT t.id, t.name, t.role, t.unit_id, u.code
		FROM api_tokens t LEFT JOIN units u ON u.id = t.unit_id
		WHERE t.hash = $1 AND t.revoked_at IS NULL`, hashSecret(secret)).Scan(&p.TokenID, &p.Name, &p.Role, &p.UnitID, &code)
	if err == pgx.ErrNoRows {
		return nil, domain.Errorf(domain.EUNAUTHENTICATED, "the bearer token is not valid (unknown or revoked)")
	} else if err != nil {
		return nil, mapErr(err, "token")
	}
	if code != nil {
		p.UnitCode = *code
	}
	if p.Role == domain.RoleAdmin {
		p.UnitID, p.UnitCode = nil, ""
	}
	return &p, nil
}

// roleOf is p's role ("" for nil), as revisions store it.
func roleOf(p *domain.Principal) string {
	if p == nil {
		return ""
	}
	return p.Role
}

// unitIDOf is p's unit, if any.
func unitIDOf(p *domain.Principal) *int64 {
	if p == nil {
		return nil
	}
	return p.UnitID
}

// tokenIDOf is p's token id for the audit log (NULL for the command line).
func tokenIDOf(p *domain.Principal) *int64 {
	if p == nil || p.TokenID == 0 {
		return nil
	}
	return &p.TokenID
}
