-- A unit's series read one range of figures_unit_series_idx (campaign,
-- metric, unit, day): a unit's days together. But a morning's figures
-- (one day of every unit) then landed one per leaf page of that index
-- once a unit's days filled one, and after a checkpoint every such page is
-- written whole to the WAL: a new day cost more with every day stored
-- (9,700 pages at 30 days, 32,385 — one per series — past 260).
--
-- day_bucket numbers 16-day spans. Ordered by the span before the unit,
-- the index keeps a unit's days of one span together (a 90-day series is
-- 6 or 7 short ranges, one per span) and a morning's rows within the
-- current span's part of the index: at most 16 days of every series,
-- whatever the history.
CREATE FUNCTION day_bucket(d date) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (d - DATE '2000-01-03') / 16 $$;

CREATE INDEX figures_series_idx ON figures (campaign_id, metric_id, day_bucket(day), unit_id, day);
DROP INDEX figures_unit_series_idx;
