package main

import (
	"io"
	"sync"
	"time"
)

// logFlushDelay is how long a log line may wait in logBuffer.
const logFlushDelay = 100 * time.Millisecond

// logBuffer gathers the log's lines and writes them to w together, within
// logFlushDelay of the first (or at once past 64 KiB): the access log
// writes a line per request, and a write system call per line (under the
// log handler's lock, on a pipe that may be slow to drain) costs more than
// answering a cached request.
type logBuffer struct {
	out     sync.Mutex // held while writing to w: flushes in order
	w       io.Writer
	mu      sync.Mutex // guards what follows; never held while writing
	buf     []byte
	spare   []byte
	pending bool // a flush is scheduled
}

func newLogBuffer(w io.Writer) *logBuffer { return &logBuffer{w: w} }

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.buf = append(b.buf, p...)
	full := len(b.buf) >= 64<<10
	if !full && !b.pending {
		b.pending = true
		time.AfterFunc(logFlushDelay, b.Flush)
	}
	b.mu.Unlock()
	if full {
		b.Flush()
	}
	return len(p), nil
}

// Flush writes what is gathered (at exit, and by the timer); the lines
// logged meanwhile go to the other buffer.
func (b *logBuffer) Flush() {
	b.out.Lock()
	defer b.out.Unlock()
	b.mu.Lock()
	out := b.buf
	b.buf, b.spare, b.pending = b.spare[:0], nil, false
	b.mu.Unlock()
	if len(out) > 0 {
		b.w.Write(out)
	}
	b.mu.Lock()
	if b.spare == nil && cap(out) <= 256<<10 {
		b.spare = out[:0]
	}
	b.mu.Unlock()
}
