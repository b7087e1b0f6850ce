// Package progress holds the domain rules of progress figures written for
// people and for checking: number and date formatting (vi-VN and en-US),
// a slow, plain reference implementation of rules 1–5 of the domain spec
// that the fast engine is property-tested against, and the derived targets
// of seed 002 (Kon Tum's 15-day drive). It imports neither pgx nor gqlgen.
package progress
