// Package enginetest holds a slow, plain reference implementation of rules
// 1–5 of the domain spec that the fast engine is property-tested against.
// Only tests import it, so no production binary contains it.
package enginetest
