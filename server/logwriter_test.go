package main

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/graph/graphtest"
)

// The log's lines reach the output in order, within logFlushDelay, at once
// past 64 KiB, and all of them on Flush.
func TestLogBuffer(t *testing.T) {
	t.Parallel()
	var out graphtest.LogBuffer
	b := newLogBuffer(&out)
	var want bytes.Buffer
	for i := range 10 {
		line := fmt.Sprintf("line %d\n", i)
		b.Write([]byte(line))
		want.WriteString(line)
	}
	if out.From(0) != "" {
		t.Fatalf("written at once: %q", out.From(0))
	}
	deadline := time.Now().Add(5 * time.Second)
	for out.From(0) != want.String() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if out.From(0) != want.String() {
		t.Fatalf("after the delay: %q", out.From(0))
	}
	big := bytes.Repeat([]byte("x"), 70<<10)
	b.Write(big)
	if got := out.From(0); len(got) != want.Len()+len(big) {
		t.Fatalf("past 64 KiB: %d bytes written, want %d", len(got), want.Len()+len(big))
	}
	b.Write([]byte("last\n"))
	b.Flush()
	if got := out.From(0); got[len(got)-5:] != "last\n" {
		t.Fatalf("Flush left %q", got[len(got)-20:])
	}
}
