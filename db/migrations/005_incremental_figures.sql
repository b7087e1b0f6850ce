-- Figures are keyed day first, so that a new day, or the few days a late
-- correction can reach, are contiguous runs of the table and its indexes,
-- and rewriting them touches few pages. They are derived data (rebuilt from
-- the revisions at will), so they carry no foreign keys to check per row.
ALTER TABLE figures
    DROP CONSTRAINT IF EXISTS figures_campaign_id_fkey,
    DROP CONSTRAINT IF EXISTS figures_metric_id_fkey,
    DROP CONSTRAINT IF EXISTS figures_unit_id_fkey,
    DROP CONSTRAINT IF EXISTS figures_pkey;
ALTER TABLE figures ADD PRIMARY KEY (campaign_id, metric_id, day, unit_id);

-- The transaction that wrote each revision, so that a refresh finds what
-- changed since the last one: the revisions its snapshot could not see.
ALTER TABLE report_revisions ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX report_revisions_xid_idx ON report_revisions (xid);
ALTER TABLE quota_revisions ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();

-- What the stored figures were computed from: the snapshot their inputs
-- were read in (a revision it could not see is new to them), and a
-- fingerprint of the campaign's settings and units (a change to those
-- recomputes everything).
ALTER TABLE figures_state ADD COLUMN snapshot pg_snapshot, ADD COLUMN fingerprint text;

-- report_current is derived from report_revisions (which keeps the foreign
-- keys) in the same transaction: no need to check them twice per row.
ALTER TABLE report_current
    DROP CONSTRAINT IF EXISTS report_current_unit_id_fkey,
    DROP CONSTRAINT IF EXISTS report_current_metric_id_fkey;
