package graphtest

import (
	"bytes"
	"sync"
)

// LogBuffer is a log destination tests read while the server writes to it.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is all that was written.
func (l *LogBuffer) String() string { return l.From(0) }

// Len is how many bytes were written.
func (l *LogBuffer) Len() int { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Len() }

// From is what was written after the first n bytes.
func (l *LogBuffer) From(n int) string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String()[n:] }
