-- The snapshot of the figures a bulletin revision was written from
-- (figures_state.snapshot when it was built): the report and quota
-- revisions a later revision's đính chính names are those visible in the
-- later one's snapshot and not in this one's. NULL for revisions published
-- before it was recorded.
ALTER TABLE bulletins ADD COLUMN figures_snapshot pg_snapshot;
