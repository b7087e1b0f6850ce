-- Figures: every unit, metric and day of every campaign, derived from the
-- reports and quotas by the rules of the domain and maintained at ingest, so
-- that series and rankings are reads, not computations. Derived data: it can
-- always be rebuilt from report_revisions and quota_revisions.
CREATE TABLE figures (
    campaign_id     bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    metric_id       smallint NOT NULL REFERENCES metrics (id),
    day             date NOT NULL,
    unit_id         bigint NOT NULL REFERENCES units (id),
    kind            text NOT NULL,
    parent_id       bigint,
    value           bigint CHECK (value >= 0),
    source          text NOT NULL CHECK (source IN ('REPORTED','ROLLUP','CARRIED','NONE')),
    stale_days      int NOT NULL DEFAULT 0,
    quota           bigint CHECK (quota >= 0),
    quota_own       boolean NOT NULL DEFAULT false,
    quota_revision  bigint,
    rate            double precision,
    delta           bigint,
    delta7          bigint,
    pace7d          double precision,
    required_pace   double precision,
    projected       date,
    at_risk         boolean NOT NULL DEFAULT false,
    band            text,
    rank            int,
    rank_change     int,
    on_time         int NOT NULL DEFAULT 0,
    late            int NOT NULL DEFAULT 0,
    missing         int NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, metric_id, unit_id, day)
);
-- Rankings read one level of one day in rank order.
CREATE INDEX figures_rank_idx ON figures (campaign_id, metric_id, day, kind, rank);

-- The day up to which each campaign's figures are current.
CREATE TABLE figures_state (
    campaign_id  bigint PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    computed_to  date,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The latest revision of each report, with when it was first reported:
-- derived from report_revisions at ingest, read by the figure engine.
CREATE TABLE report_current (
    unit_id            bigint NOT NULL REFERENCES units (id),
    metric_id          smallint NOT NULL REFERENCES metrics (id),
    day                date NOT NULL,
    value              bigint NOT NULL CHECK (value >= 0),
    revision           int NOT NULL,
    first_reported_at  timestamptz NOT NULL,
    PRIMARY KEY (unit_id, metric_id, day)
);
CREATE INDEX report_current_day_idx ON report_current (metric_id, day);
