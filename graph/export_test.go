package graph

// WriterAnswers is how many root fields the rankings' and series' own writer answered.
func WriterAnswers() int64 { return writerAnswers.Load() }
