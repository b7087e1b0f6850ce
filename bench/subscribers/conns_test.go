package main

import (
	"io"
	"strings"
	"testing"
)

// TestReadSSE: of a stream as live.SSE writes it, only the figures events
// are stamped, with their version; the stream's end ends the reader.
func TestReadSSE(t *testing.T) {
	stream := ": tiendo live events\nretry: 3000\n\n" +
		": ♥\n\n" +
		"event: bulletin\ndata: {\"campaign\":\"ref\",\"date\":\"2024-01-02\",\"revision\":1}\n\n" +
		"event: figures\ndata: {\"campaign\":\"ref\",\"version\":\"v7\",\"computedTo\":\"2024-01-02\"}\n\n" +
		"event: resync\ndata: {}\n\n" +
		"event: figures\r\ndata: {\"campaign\":\"ref\",\"version\":\"v8\",\"computedTo\":null}\r\n\r\n"
	s := newSubscriber("sse")
	if err := readSSE(strings.NewReader(stream), s); err != io.EOF {
		t.Fatalf("readSSE = %v; want EOF", err)
	}
	var got []string
	for len(s.events) > 0 {
		got = append(got, (<-s.events).version)
	}
	if strings.Join(got, ",") != "v7,v8" {
		t.Errorf("stamped versions %v; want v7, v8", got)
	}
}

func TestFirstErrorMessage(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`[{"message":"20 live subscriptions from one address at most","extensions":{"code":"RATE_LIMITED"}}]`, "20 live subscriptions from one address at most"},
		{`{"errors":[{"message":"no such campaign"}]}`, "no such campaign"},
		{"not json\n", "not json"},
	} {
		if got := firstErrorMessage([]byte(c.body)); got != c.want {
			t.Errorf("firstErrorMessage(%s) = %q; want %q", c.body, got, c.want)
		}
	}
}
