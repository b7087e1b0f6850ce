-- Each refresh asks which quota revisions of its campaign were committed
-- since its last one (changedWindow, and the quotas a refresh keeps in
-- memory with its window of reports): by transaction id, as for reports.
-- Without an index it read every revision of the campaign twice a refresh
-- (28,000 for the rush's campaign A, 3.7 ms each time, 2026-12-03).
CREATE INDEX quota_revisions_xid_idx ON quota_revisions (campaign_id, xid);
