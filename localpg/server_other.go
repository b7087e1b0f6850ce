//go:build !linux

package localpg

import (
	"context"
	"errors"
)

var errUnsupported = errors.New("localpg: a private PostgreSQL server is only supported on Linux; set DATABASE_URL to use an existing server")

// Server is a running private PostgreSQL server (Linux only).
type Server struct{}

// Start always fails on this operating system: set DATABASE_URL instead.
func Start(ctx context.Context, cfg Config) (*Server, error) { return nil, errUnsupported }

// ConnString returns "" on this operating system.
func (s *Server) ConnString() string { return "" }

// PID returns 0 on this operating system.
func (s *Server) PID() int { return 0 }

// Stop returns an error on this operating system.
func (s *Server) Stop(ctx context.Context) error { return errUnsupported }

// Wait returns an error on this operating system.
func (s *Server) Wait() error { return errUnsupported }

// Running is never true where private servers are not supported.
func Running(dataDir, database string) (string, bool) { return "", false }

// Placement leaves dataDir where it is where private servers are not supported.
func Placement(dataDir string) (string, bool) { return dataDir, false }
