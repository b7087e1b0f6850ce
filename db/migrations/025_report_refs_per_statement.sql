-- A report revision's unit, metric and submitting unit were checked by
-- foreign keys: a lookup and a row lock on units or metrics for every row
-- (0.4 s of a national morning's 29,202 reports, the largest single cost
-- of a new day, and a multixact on a unit's row for every report).
--
-- The same rule, once per statement: the rows an INSERT added are checked
-- against units and metrics together (one join), and a unit or metric is
-- never deleted (the public record keeps every unit and metric it ever
-- named; nothing deletes them), so a reference checked once stays valid,
-- which is what the foreign keys' row locks guarded.
ALTER TABLE report_revisions
    DROP CONSTRAINT report_revisions_unit_id_fkey,
    DROP CONSTRAINT report_revisions_metric_id_fkey,
    DROP CONSTRAINT report_revisions_submitter_unit_id_fkey;

CREATE FUNCTION report_revisions_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.unit_id, n.metric_id, n.submitter_unit_id, u.id AS u, m.id AS m INTO bad
    FROM new_rows n
    LEFT JOIN units u ON u.id = n.unit_id
    LEFT JOIN metrics m ON m.id = n.metric_id
    LEFT JOIN units s ON s.id = n.submitter_unit_id
    WHERE u.id IS NULL OR m.id IS NULL OR (n.submitter_unit_id IS NOT NULL AND s.id IS NULL)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'report revision refers to % % that does not exist',
            CASE WHEN bad.u IS NULL THEN 'unit' WHEN bad.m IS NULL THEN 'metric' ELSE 'submitting unit' END,
            CASE WHEN bad.u IS NULL THEN bad.unit_id WHEN bad.m IS NULL THEN bad.metric_id ELSE bad.submitter_unit_id END
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_revisions_refs AFTER INSERT ON report_revisions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_revisions_refs();

CREATE FUNCTION forbid_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% keeps every row it ever held: rows are never deleted', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER units_never_deleted BEFORE DELETE ON units
    FOR EACH ROW EXECUTE FUNCTION forbid_delete();
CREATE TRIGGER units_never_truncated BEFORE TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_delete();
CREATE TRIGGER metrics_never_deleted BEFORE DELETE ON metrics
    FOR EACH ROW EXECUTE FUNCTION forbid_delete();
CREATE TRIGGER metrics_never_truncated BEFORE TRUNCATE ON metrics
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_delete();
-- An id never changes either (the foreign keys refused that too).
CREATE FUNCTION forbid_new_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id THEN
        RAISE EXCEPTION '% ids never change', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER units_id_fixed BEFORE UPDATE OF id ON units
    FOR EACH ROW EXECUTE FUNCTION forbid_new_id();
CREATE TRIGGER metrics_id_fixed BEFORE UPDATE OF id ON metrics
    FOR EACH ROW EXECUTE FUNCTION forbid_new_id();
