package graph

import (
	"strings"
	"time"
)

// SetLoaderWait sets the loaders' wait for keys until restore is called
// (by a test that is not parallel: the loaders of every request read it).
func SetLoaderWait(d time.Duration) (restore func()) {
	old := loaderWait
	loaderWait = d
	return func() { loaderWait = old }
}

// WriterAnswers is how many root fields the rankings' and series' own writer answered.
func WriterAnswers() int64 { return writerAnswers.Load() }

// CursorAt is the cursor of the item at offset i.
func CursorAt(i int) string { return cursor(i) }

// WriterSelection is a selection of every field the writer writes on the
// type of the root field root (default arguments), each type at most once
// on a path.
func WriterSelection(root string) string {
	var b strings.Builder
	writerSelection(&b, writerRootType(root), map[writerType]bool{})
	return b.String()
}

func writerSelection(b *strings.Builder, t writerType, onPath map[writerType]bool) {
	onPath[t] = true
	defer delete(onPath, t)
	def := NewExecutableSchema(Config{}).Schema().Types[writerTypeNames[t]]
	b.WriteString("{ __typename")
	for _, f := range def.Fields {
		info, ok := writerField(t, f.Name)
		if !ok || onPath[info.child] {
			continue
		}
		b.WriteString(" " + f.Name)
		if info.child != wtNone {
			writerSelection(b, info.child, onPath)
		}
	}
	b.WriteString(" }")
}
