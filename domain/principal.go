package domain

// Token roles.
const (
	RoleAdmin    = "admin"    // may write everything
	RoleReporter = "reporter" // may write reports inside its unit's subtree
)

// Principal is who a request acts as: an API token, or a command-line
// operator (TokenID 0). Writes record it in the audit log.
type Principal struct {
	TokenID   int64  // 0 for the command line
	Name      string // the token's name, e.g. "Công an xã Tân Lập"
	Role      string // RoleAdmin or RoleReporter
	UnitID    *int64 // a reporter's unit (nil for admins)
	UnitCode  string // the code of UnitID
	RequestID string // the API request it came with, if any
}

// IsAdmin reports whether p may write everything.
func (p *Principal) IsAdmin() bool { return p != nil && p.Role == RoleAdmin }

// Actor is how revisions and the audit log name p ("unknown" for nil).
func (p *Principal) Actor() string {
	if p == nil {
		return "unknown"
	}
	return p.Name
}

// CLI returns the principal of a command-line operator named name.
func CLI(name string) *Principal { return &Principal{Name: name, Role: RoleAdmin} }
