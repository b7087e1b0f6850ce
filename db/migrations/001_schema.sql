-- Tiến Độ schema. Constraints are the last line of defence for the rules of
-- the domain: counts are never negative, references never dangle, history is
-- never overwritten (report and quota revisions are append-only).

-- Units: a code within a validity period. valid is [first day, day after the last).
CREATE TABLE units (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    full_name   text NOT NULL CHECK (btrim(full_name) <> ''),
    name_en     text NOT NULL DEFAULT '',
    kind        text NOT NULL CHECK (kind IN ('NATION','PROVINCE','DISTRICT','COMMUNE','VILLAGE','AGENCY')),
    parent_id   bigint REFERENCES units (id),
    valid       daterange NOT NULL DEFAULT daterange(NULL, NULL),
    search_key  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'NATION') = (parent_id IS NULL)),
    CHECK (NOT isempty(valid)),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_code_idx ON units (code);
CREATE INDEX units_kind_idx ON units (kind);

-- A code is unique within any day: no two units with one code may overlap in
-- validity. (An exclusion constraint would need btree_gist; a trigger with a
-- per-code advisory lock does the same without an extension.)
CREATE FUNCTION units_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('units.code:' || NEW.code));
    IF EXISTS (SELECT 1 FROM units u
               WHERE u.code = NEW.code AND u.id <> NEW.id AND u.valid && NEW.valid) THEN
        RAISE EXCEPTION 'unit code % already exists in an overlapping validity period', NEW.code
            USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER units_no_overlap BEFORE INSERT OR UPDATE OF code, valid ON units
    FOR EACH ROW EXECUTE FUNCTION units_no_overlap();

CREATE TABLE metrics (
    id        smallserial PRIMARY KEY,
    key       text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{0,31}$'),
    name_vi   text NOT NULL CHECK (btrim(name_vi) <> ''),
    name_en   text NOT NULL DEFAULT '',
    verb_vi   text NOT NULL DEFAULT '',
    verb_en   text NOT NULL DEFAULT '',
    noun_vi   text NOT NULL DEFAULT '',
    noun_en   text NOT NULL DEFAULT '',
    position  int NOT NULL DEFAULT 0
);

CREATE TABLE campaigns (
    id                bigserial PRIMARY KEY,
    slug              text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    name              text NOT NULL CHECK (btrim(name) <> ''),
    name_en           text NOT NULL DEFAULT '',
    legal_ref         text NOT NULL DEFAULT '',
    scope_unit_id     bigint NOT NULL REFERENCES units (id),
    start_date        date NOT NULL,
    end_date          date NOT NULL,
    deadline_minutes  int NOT NULL DEFAULT 450 CHECK (deadline_minutes BETWEEN 0 AND 1439),
    deadline_days     int NOT NULL DEFAULT 1 CHECK (deadline_days BETWEEN 0 AND 7),
    time_zone         text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    bands             jsonb NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date),
    CHECK (jsonb_typeof(bands) = 'array' AND jsonb_array_length(bands) > 0)
);

CREATE TABLE campaign_metrics (
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    metric_id    smallint NOT NULL REFERENCES metrics (id),
    position     int NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, metric_id)
);

CREATE TABLE milestones (
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    date         date NOT NULL,
    label_vi     text NOT NULL DEFAULT '',
    label_en     text NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, date)
);

-- Quotas (chỉ tiêu): append-only revisions. The revision in force on D is the
-- latest (by effective_from, then id) with effective_from <= D.
CREATE TABLE quota_revisions (
    id              bigserial PRIMARY KEY,
    campaign_id     bigint NOT NULL REFERENCES campaigns (id),
    unit_id         bigint NOT NULL REFERENCES units (id),
    metric_id       smallint NOT NULL REFERENCES metrics (id),
    target          bigint NOT NULL CHECK (target >= 0),
    effective_from  date NOT NULL,
    reason          text NOT NULL CHECK (btrim(reason) <> ''),
    reference       text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT ''
);
CREATE INDEX quota_revisions_lookup_idx ON quota_revisions (campaign_id, unit_id, metric_id, effective_from, id);

-- Reports (báo cáo tiến độ): a unit's cumulative figure for one metric as of
-- one day, as append-only revisions. The highest revision counts.
CREATE TABLE report_revisions (
    id           bigserial PRIMARY KEY,
    unit_id      bigint NOT NULL REFERENCES units (id),
    metric_id    smallint NOT NULL REFERENCES metrics (id),
    day          date NOT NULL,
    revision     int NOT NULL CHECK (revision >= 1),
    value        bigint NOT NULL CHECK (value >= 0),
    reported_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL DEFAULT '',
    note         text NOT NULL DEFAULT '',
    correction   boolean NOT NULL DEFAULT false,
    UNIQUE (unit_id, metric_id, day, revision),
    CHECK (NOT correction OR btrim(note) <> '')
);

-- History is never overwritten: revisions cannot be updated or deleted.
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: rows are never updated or deleted', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER report_revisions_append_only BEFORE UPDATE OR DELETE ON report_revisions
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER quota_revisions_append_only BEFORE UPDATE OR DELETE ON quota_revisions
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- API tokens: only a SHA-256 hash of the secret is stored.
CREATE TABLE api_tokens (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (btrim(name) <> ''),
    role        text NOT NULL CHECK (role IN ('admin', 'reporter')),
    unit_id     bigint REFERENCES units (id),
    hash        bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CHECK (role = 'admin' OR unit_id IS NOT NULL)
);

-- Audit log: who did what, when, with the state before and after.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    token_id    bigint REFERENCES api_tokens (id),
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_key  text NOT NULL DEFAULT '',
    before      jsonb,
    after       jsonb,
    request_id  text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
