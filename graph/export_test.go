package graph

// WriterAnswers is how many root fields the rankings' and series' own writer answered.
func WriterAnswers() int64 { return writerAnswers.Load() }

// CursorAt is the cursor of the item at offset i.
func CursorAt(i int) string { return cursor(i) }
