package main

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the flushing timer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The log's lines reach the output in order, within logFlushDelay, at once
// past 64 KiB, and all of them on Flush.
func TestLogBuffer(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	b := newLogBuffer(&out)
	var want bytes.Buffer
	for i := range 10 {
		line := fmt.Sprintf("line %d\n", i)
		b.Write([]byte(line))
		want.WriteString(line)
	}
	if out.String() != "" {
		t.Fatalf("written at once: %q", out.String())
	}
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != want.String() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if out.String() != want.String() {
		t.Fatalf("after the delay: %q", out.String())
	}
	big := bytes.Repeat([]byte("x"), 70<<10)
	b.Write(big)
	if got := out.String(); len(got) != want.Len()+len(big) {
		t.Fatalf("past 64 KiB: %d bytes written, want %d", len(got), want.Len()+len(big))
	}
	b.Write([]byte("last\n"))
	b.Flush()
	if got := out.String(); got[len(got)-5:] != "last\n" {
		t.Fatalf("Flush left %q", got[len(got)-20:])
	}
}
