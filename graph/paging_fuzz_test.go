package graph

import (
	"encoding/base64"
	"errors"
	"strconv"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// FuzzPageOf feeds any first and after to the cursor decoder: it never
// panics; it either refuses them with an invalid-input error or returns a
// window inside [0, MaxPageSize] items from a non-negative offset, just
// past the item whose cursor after is (so the next page's cursor, encoded
// again, decodes to the same window). Seeds in testdata/fuzz/FuzzPageOf
// include the cursor of the largest int, whose offset overflowed.
func FuzzPageOf(f *testing.F) {
	for _, after := range []string{"", cursor(0), cursor(41), cursor(1 << 40), "!!", "xyz", "bzo=", "bzotMQ", "bzorMQ"} {
		f.Add(10, after)
	}
	f.Add(-1, cursor(3))
	f.Add(MaxPageSize+1, "")
	f.Fuzz(func(t *testing.T, first int, after string) {
		p, err := pageOf(&first, &after, 25)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EINVALID {
				t.Fatalf("pageOf(%d, %q): err %#v, want an invalid-input error", first, after, err)
			}
			return
		}
		if p.Limit != first || p.Limit < 0 || p.Limit > MaxPageSize || p.Offset < 0 {
			t.Fatalf("pageOf(%d, %q) = %+v", first, after, p)
		}
		if after == "" {
			if p.Offset != 0 {
				t.Fatalf("pageOf(%d, \"\") = %+v, want offset 0", first, p)
			}
			return
		}
		again := cursor(p.Offset - 1)
		q, err := pageOf(&first, &again, 25)
		if err != nil || q != p {
			t.Fatalf("after %q (offset %d) encoded again as %q decodes to %+v, %v", after, p.Offset, again, q, err)
		}
	})
}

// TestPageOfLargestCursor is the fuzzer's find: the cursor of the largest
// int decoded to a negative offset (n+1 overflowed).
func TestPageOfLargestCursor(t *testing.T) {
	t.Parallel()
	first := 10
	for _, n := range []string{strconv.Itoa(int(^uint(0) >> 1)), "99999999999999999999"} {
		after := cursorOf(n)
		if p, err := pageOf(&first, &after, 25); err == nil {
			t.Errorf("pageOf(after o:%s) = %+v, want an invalid-input error", n, p)
		}
	}
}

// cursorOf encodes "o:"+n the way cursor does.
func cursorOf(n string) string { return base64.RawURLEncoding.EncodeToString([]byte("o:" + n)) }
