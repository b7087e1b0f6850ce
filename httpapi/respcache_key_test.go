package httpapi

import (
	"bytes"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// TestReadUpTo: readUpTo reads what io.ReadAll of an io.LimitReader
// reads, whatever the reader's pieces and errors.
func TestReadUpTo(t *testing.T) {
	broken := errors.New("broken")
	for _, n := range []int{0, 1, 5, 1024, 1025, 3000} {
		for _, size := range []int{0, 1, 4, 5, 6, 1023, 1024, 1025, 2999, 3000, 3001, 5000} {
			text := strings.Repeat("x", size)
			for name, mk := range map[string]func() io.Reader{
				"whole":    func() io.Reader { return strings.NewReader(text) },
				"bytewise": func() io.Reader { return iotest.OneByteReader(strings.NewReader(text)) },
				"dataEOF":  func() io.Reader { return iotest.DataErrReader(strings.NewReader(text)) },
				"broken":   func() io.Reader { return io.MultiReader(strings.NewReader(text), iotest.ErrReader(broken)) },
			} {
				want, wantErr := io.ReadAll(io.LimitReader(mk(), int64(n)))
				got, err := readUpTo(mk(), make([]byte, 0, 16), n)
				if !bytes.Equal(got, want) || !errors.Is(err, wantErr) && err != wantErr {
					t.Errorf("%s %d of %d: %d bytes, %v; want %d, %v", name, n, size, len(got), err, len(want), wantErr)
				}
			}
		}
	}
}

// TestCacheMinute: the key's minute is the clock's, in UTC, and changes
// with it.
func TestCacheMinute(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 59, 999999999, time.FixedZone("ICT", 7*3600))
	c := newResponseCache(nil, 1<<20)
	c.now = func() time.Time { return now }
	for _, step := range []struct {
		add  time.Duration
		want string
	}{{0, "2025-03-03T22:06"}, {0, "2025-03-03T22:06"}, {time.Nanosecond, "2025-03-03T22:07"}, {-time.Hour, "2025-03-03T21:07"}} {
		now = now.Add(step.add)
		if got := c.minute(); got != step.want {
			t.Errorf("at %v: minute %q, want %q", now, got, step.want)
		}
	}
}

// TestKeyOfLargeRequests: a request too large for key's buffer is hashed
// as a small one is.
func TestKeyOfLargeRequests(t *testing.T) {
	r := httptest.NewRequest("POST", "/graphql?x=1", nil)
	r.Header.Set("Content-Type", "application/json")
	a := key(r, []byte(strings.Repeat("a", 2000)), "snap", "minute")
	b := key(r, []byte(strings.Repeat("a", 2000)), "snap", "minute")
	c := key(r, []byte(strings.Repeat("a", 1999)+"b"), "snap", "minute")
	if a != b || a == c {
		t.Error("large requests' keys do not follow their text")
	}
	if key(r, nil, "snap", "") == key(r, nil, "sna", "p") {
		t.Error("the key's parts run into each other")
	}
}
