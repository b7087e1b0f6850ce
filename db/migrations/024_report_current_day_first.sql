-- report_current was keyed (unit, metric, day): a unit's days together.
-- A morning's reports (one day of every unit) then landed one per leaf
-- page of that key once a unit's days filled one, each page written whole
-- to the WAL after a checkpoint: a new day cost more with every day stored
-- (14,600 pages at 85 days, 29,202 — one per unit and metric — past 260).
--
-- The same uniqueness, day first: a morning's reports are added at the
-- key's right edge (and it serves what report_current_day_idx did). A
-- unit's own reports are found by report_current_unit_idx, ordered by
-- 16-day span (day_bucket, migration 023) before the unit: a morning adds
-- to the current span's part of it only.
ALTER TABLE report_current DROP CONSTRAINT report_current_pkey;
ALTER TABLE report_current ADD PRIMARY KEY (metric_id, day, unit_id);
DROP INDEX report_current_day_idx;
CREATE INDEX report_current_unit_idx ON report_current (metric_id, day_bucket(day), unit_id, day);

-- The first day each unit reported each metric (or earlier: a lower bound
-- is all its readers need): where a search for a unit's last report
-- before a day stops, span by span, so that a unit that never reported
-- costs one probe here rather than one per span of history. Written only
-- when a unit reports a metric for the first time, or for an earlier day.
CREATE TABLE report_keys (
    metric_id  smallint NOT NULL REFERENCES metrics (id),
    unit_id    bigint NOT NULL REFERENCES units (id),
    first_day  date NOT NULL,
    PRIMARY KEY (metric_id, unit_id)
);
INSERT INTO report_keys (metric_id, unit_id, first_day)
SELECT metric_id, unit_id, min(day) FROM report_current GROUP BY metric_id, unit_id;

-- A unit's reports of a metric, searched one 16-day span at a time (an
-- index probe each), nearest first. Single SELECTs, so the planner inlines
-- them into the query that calls them.
--
-- report_before: its last report before day d.
CREATE FUNCTION report_before(u bigint, m smallint, d date)
    RETURNS TABLE (day date, value bigint, revision int, first_reported_at timestamptz)
    LANGUAGE sql STABLE AS $$
    SELECT x.day, x.value, x.revision, x.first_reported_at
    FROM report_keys k CROSS JOIN LATERAL generate_series(day_bucket(d), day_bucket(k.first_day), -1) b
    CROSS JOIN LATERAL (
        SELECT rc.day, rc.value, rc.revision, rc.first_reported_at FROM report_current rc
        WHERE rc.metric_id = m AND day_bucket(rc.day) = b AND rc.unit_id = u AND rc.day < d
        ORDER BY rc.day DESC LIMIT 1) x
    WHERE k.metric_id = m AND k.unit_id = u AND k.first_day < d
    LIMIT 1 $$;

-- report_after: its first report after day d, up to day until.
CREATE FUNCTION report_after(u bigint, m smallint, d date, until date)
    RETURNS TABLE (day date, value bigint)
    LANGUAGE sql STABLE AS $$
    SELECT x.day, x.value
    FROM generate_series(day_bucket(d), day_bucket(until)) b
    CROSS JOIN LATERAL (
        SELECT rc.day, rc.value FROM report_current rc
        WHERE rc.metric_id = m AND day_bucket(rc.day) = b AND rc.unit_id = u AND rc.day > d AND rc.day <= until
        ORDER BY rc.day LIMIT 1) x
    LIMIT 1 $$;

-- report_between: its reports from day lo to day hi.
CREATE FUNCTION report_between(u bigint, m smallint, lo date, hi date)
    RETURNS TABLE (day date, value bigint)
    LANGUAGE sql STABLE AS $$
    SELECT rc.day, rc.value
    FROM generate_series(day_bucket(lo), day_bucket(hi)) b
    CROSS JOIN LATERAL (
        SELECT rc.day, rc.value FROM report_current rc
        WHERE rc.metric_id = m AND day_bucket(rc.day) = b AND rc.unit_id = u AND rc.day BETWEEN lo AND hi) rc $$;
