-- Rankings are read whole, once per version of a campaign's figures, and
-- kept in memory (graph/cache.go): the day's rows are a range of the
-- primary key, sorted by rank in a few milliseconds. The rank index only
-- cost every refresh its upkeep (about 65 ms of a new national day's
-- 32,385 figures).
DROP INDEX IF EXISTS figures_rank_idx;
