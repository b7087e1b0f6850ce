-- A report's figure changes a few rows, but its rank moves every unit it
-- passes: in the morning rush (100 reports of the nation's day a second)
-- each refresh changed the value of 224 of the day's 32,394 figures and
-- the rank of 30,205 (2026-12-03). Stored in the figure's row, the ranks
-- made every refresh update the whole day: about 200 ms of PostgreSQL,
-- its WAL, and the standby's replay of it, every second.
--
-- So the ranks live apart, 128 units to a row: figure_ranks holds, for a
-- campaign's metric and day, the ranks of the units whose id shares its
-- high bits (block = unit_id >> 7), at index (unit_id & 127) + 1 of its
-- arrays (a null where a unit has none; an index past the array's end is
-- null too). A national day is 3 x 85 such rows, rewritten whole by a
-- refresh, instead of 32,394 figures. The figures' own columns stay in
-- figure_values, where a refresh writes only the rows whose value
-- changed; the view figures joins the two as the table was, so every
-- reader reads it unchanged.
ALTER TABLE figures RENAME TO figure_values;
ALTER INDEX figures_pkey RENAME TO figure_values_pkey;

CREATE TABLE figure_ranks (
    campaign_id  bigint   NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    metric_id    smallint NOT NULL,
    day          date     NOT NULL,
    block        bigint   NOT NULL,
    ranks        int[]    NOT NULL,
    rank_changes int[]    NOT NULL,
    PRIMARY KEY (campaign_id, metric_id, day, block)
);

INSERT INTO figure_ranks (campaign_id, metric_id, day, block, ranks, rank_changes)
SELECT g.campaign_id, g.metric_id, g.day, g.block,
       ARRAY(SELECT (g.r ->> i::text)::int FROM generate_series(0, g.last) i ORDER BY i),
       ARRAY(SELECT (g.c ->> i::text)::int FROM generate_series(0, g.last) i ORDER BY i)
FROM (SELECT campaign_id, metric_id, day, unit_id >> 7 AS block, max(unit_id & 127)::int AS last,
             jsonb_object_agg((unit_id & 127)::text, rank) AS r,
             jsonb_object_agg((unit_id & 127)::text, rank_change) AS c
      FROM figure_values
      WHERE rank IS NOT NULL OR rank_change IS NOT NULL
      GROUP BY 1, 2, 3, 4) g;

ALTER TABLE figure_values DROP COLUMN rank, DROP COLUMN rank_change;

CREATE VIEW figures AS
SELECT v.campaign_id, v.metric_id, v.day, v.unit_id, v.kind, v.parent_id, v.value, v.source,
       v.stale_days, v.quota, v.quota_own, v.quota_revision, v.rate, v.delta, v.delta7, v.pace7d,
       v.required_pace, v.projected, v.at_risk, v.band,
       r.ranks[(v.unit_id & 127)::int + 1] AS rank,
       r.rank_changes[(v.unit_id & 127)::int + 1] AS rank_change,
       v.on_time, v.late, v.missing, v.rules_version, v.revisions
FROM figure_values v
LEFT JOIN figure_ranks r ON r.campaign_id = v.campaign_id AND r.metric_id = v.metric_id
    AND r.day = v.day AND r.block = v.unit_id >> 7;
