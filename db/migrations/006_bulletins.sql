-- Published bulletins. Each edition of a campaign, scope unit and day is a
-- numbered revision with its content and a SHA-256 of it. A published
-- revision never changes (the triggers refuse UPDATE and DELETE); a later
-- correction of the figures publishes the next revision, which says what
-- changed, and every revision stays readable.
CREATE TABLE bulletins (
    id             bigserial PRIMARY KEY,
    campaign_id    bigint NOT NULL REFERENCES campaigns (id),
    scope_unit_id  bigint NOT NULL REFERENCES units (id),
    day            date NOT NULL,
    revision       int NOT NULL CHECK (revision >= 1),
    content        jsonb NOT NULL,
    content_hash   text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    published_at   timestamptz NOT NULL DEFAULT now(),
    published_by   text NOT NULL,
    UNIQUE (campaign_id, scope_unit_id, day, revision)
);
CREATE INDEX bulletins_published_idx ON bulletins (published_at DESC, id DESC);
CREATE INDEX bulletins_campaign_idx ON bulletins (campaign_id, scope_unit_id, day DESC, revision DESC);
CREATE TRIGGER bulletins_append_only BEFORE UPDATE OR DELETE ON bulletins
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
