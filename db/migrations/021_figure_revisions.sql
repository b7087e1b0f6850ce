-- How many revisions the unit's own report for the day has (0 without one),
-- carried into the figures by the refresh (engine version 4): a series is
-- then read from the figures alone, and so is versioned by its campaign's
-- figures version (figures_state.updated_at) as a ranking is. It was read
-- from report_current, which changes when a write commits, before the
-- refresh that announces a new version.
ALTER TABLE figures ADD COLUMN revisions int NOT NULL DEFAULT 0 CHECK (revisions >= 0);

-- Filled as the engine computes it (the own report's latest revision on the
-- figure's day), now rather than at each campaign's next refresh: an ended
-- campaign is never refreshed again.
UPDATE figures f SET revisions = rc.revision
FROM report_current rc
WHERE rc.unit_id = f.unit_id AND rc.metric_id = f.metric_id AND rc.day = f.day;
