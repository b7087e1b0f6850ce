package graph

// RankingWrites is how many ranking fields the ranking's own writer answered.
func RankingWrites() int64 { return rankingWrites.Load() }
