package graph

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
)

// MaxPageSize is the largest `first` any connection accepts.
const MaxPageSize = 100

// page is an offset window decoded from first/after.
type page struct {
	Offset, Limit int
}

// cursor encodes an offset as an opaque cursor.
func cursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// pageOf checks first and after and returns the window they ask for.
func pageOf(first *int, after *string, def int) (page, error) {
	p := page{Limit: def}
	if first != nil {
		if *first < 0 || *first > MaxPageSize {
			return p, domain.Errorf(domain.EINVALID, "first must be between 0 and %d, got %d", MaxPageSize, *first)
		}
		p.Limit = *first
	}
	if after != nil && *after != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*after)
		s, ok := strings.CutPrefix(string(raw), "o:")
		n, err2 := strconv.Atoi(s)
		if err != nil || !ok || err2 != nil || n < 0 || n == math.MaxInt { // the next offset, n+1, must be an int
			return p, domain.Errorf(domain.EINVALID, "after is not a cursor from this API")
		}
		p.Offset = n + 1
	}
	return p, nil
}

// pageInfo describes a page of n items starting at p.Offset out of total.
func pageInfo(p page, n, total int) *PageInfo {
	pi := &PageInfo{HasNextPage: p.Offset+n < total, HasPreviousPage: p.Offset > 0}
	if n > 0 {
		s, e := cursor(p.Offset), cursor(p.Offset+n-1)
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

// connection builds edges and page info for items of a page.
func connection[T any, E any](p page, items []T, total int, edge func(cursor string, item T) E) ([]E, *PageInfo, int) {
	edges := make([]E, len(items))
	for i, it := range items {
		edges[i] = edge(cursor(p.Offset+i), it)
	}
	return edges, pageInfo(p, len(items), total), total
}

func quotaConnection(p page, qs []*domain.QuotaRevision, total int) *QuotaConnection {
	c := &QuotaConnection{}
	c.Edges, c.PageInfo, c.TotalCount = connection(p, qs, total, func(cur string, q *domain.QuotaRevision) *QuotaEdge { return &QuotaEdge{cur, q} })
	return c
}

func unitConnection(p page, units []*domain.Unit, total int, former []*domain.Unit) *UnitConnection {
	c := &UnitConnection{Former: former}
	c.Edges, c.PageInfo, c.TotalCount = connection(p, units, total, func(cur string, u *domain.Unit) *UnitEdge { return &UnitEdge{cur, u} })
	return c
}
