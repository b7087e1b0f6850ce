package engine

// ResumedFrom reports whether every metric of cp was resumed from from's
// part (not computed again).
func ResumedFrom(cp, from *Checkpoint) bool {
	if cp == nil || from == nil || len(cp.metrics) == 0 {
		return false
	}
	for m, p := range cp.metrics {
		if p == nil || from.metrics[m] != p {
			return false
		}
	}
	return true
}
