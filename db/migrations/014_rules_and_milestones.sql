-- Ranking rules are versioned per campaign: the band thresholds and the
-- ranking order in force from a day. A change of the bands is a new version
-- from a stated day, never an edit, so the days before keep the thresholds
-- they were ranked with. Version 1 of every campaign is made with it (the
-- trigger), from its first day, with the bands it was created with.
CREATE TABLE rules_versions (
    campaign_id     bigint NOT NULL REFERENCES campaigns (id),
    version         int NOT NULL CHECK (version >= 1),
    effective_from  date NOT NULL,
    bands           jsonb NOT NULL CHECK (jsonb_typeof(bands) = 'array' AND jsonb_array_length(bands) > 0),
    ranking_order   text NOT NULL DEFAULT 'RATE_FIGURE_CODE' CHECK (ranking_order IN ('RATE_FIGURE_CODE')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, version)
);
CREATE TRIGGER rules_versions_append_only BEFORE UPDATE OR DELETE ON rules_versions
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

INSERT INTO rules_versions (campaign_id, version, effective_from, bands, created_by)
    SELECT id, 1, start_date, bands, 'migration' FROM campaigns;

CREATE FUNCTION campaigns_first_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rules_versions (campaign_id, version, effective_from, bands, created_by)
        VALUES (NEW.id, 1, NEW.start_date, NEW.bands, '');
    RETURN NEW;
END $$;
CREATE TRIGGER campaigns_first_rules AFTER INSERT ON campaigns
    FOR EACH ROW EXECUTE FUNCTION campaigns_first_rules();

-- Every figure names the rules version it was banded with.
ALTER TABLE figures ADD COLUMN rules_version int;

-- Milestone rankings, frozen: once a milestone's day has passed its report
-- deadline and the publication grace, its official ranking (every level,
-- every metric, within the campaign's scope) is recorded once, as canonical
-- JSON bytes with their SHA-256 (checked here), and never changes: a later
-- correction changes the current figures, never this record.
CREATE TABLE milestone_freezes (
    campaign_id    bigint NOT NULL REFERENCES campaigns (id),
    day            date NOT NULL,
    rules_version  int NOT NULL,
    content        bytea NOT NULL,
    content_hash   text NOT NULL CHECK (content_hash = encode(sha256(content), 'hex')),
    frozen_at      timestamptz NOT NULL DEFAULT now(),
    frozen_by      text NOT NULL,
    PRIMARY KEY (campaign_id, day),
    FOREIGN KEY (campaign_id, rules_version) REFERENCES rules_versions (campaign_id, version)
);
CREATE TRIGGER milestone_freezes_append_only BEFORE UPDATE OR DELETE ON milestone_freezes
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
