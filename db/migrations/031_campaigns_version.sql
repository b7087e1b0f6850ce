-- Every read of a ranking or a series with its answer not cached asked for
-- its campaign whole: the row, its metrics, milestones and rules versions
-- (three subqueries, their JSON decoded in the server), though campaigns
-- change a few times a year and figures several times a second. A third of
-- the server's CPU for a province ranking with the response cache off
-- (2026-12-03).
--
-- campaigns_state.version moves with every statement that writes what a
-- campaign read returns, in that statement's transaction, so a read gets
-- it with the campaign's figures state in one snapshot and reads the
-- campaign whole only when it moved (db/campaigns_memory.go). As with
-- units_state (migration 027), one counter for all campaigns: changes are
-- rare, and a statement-level trigger does not know which campaign its
-- rows were of.
CREATE TABLE campaigns_state (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version bigint NOT NULL
);
INSERT INTO campaigns_state (version) VALUES (1);

CREATE FUNCTION campaigns_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE campaigns_state SET version = version + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER campaigns_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON campaigns
    FOR EACH STATEMENT EXECUTE FUNCTION campaigns_changed();
CREATE TRIGGER campaigns_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON campaign_metrics
    FOR EACH STATEMENT EXECUTE FUNCTION campaigns_changed();
CREATE TRIGGER campaigns_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON milestones
    FOR EACH STATEMENT EXECUTE FUNCTION campaigns_changed();
CREATE TRIGGER campaigns_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rules_versions
    FOR EACH STATEMENT EXECUTE FUNCTION campaigns_changed();
CREATE TRIGGER campaigns_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON metrics
    FOR EACH STATEMENT EXECUTE FUNCTION campaigns_changed();
