-- The overlap trigger took one advisory lock per unit code, so importing the
-- national unit list (14 000 codes) in one transaction filled PostgreSQL's
-- shared lock table ("out of shared memory") when several imports ran at once.
-- Unit writes are rare and already serialised by a table lock in the
-- importers; one lock for all codes is enough and costs one lock-table slot.
CREATE OR REPLACE FUNCTION units_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('units.code'));
    IF EXISTS (SELECT 1 FROM units u
               WHERE u.code = NEW.code AND u.id <> NEW.id AND u.valid && NEW.valid) THEN
        RAISE EXCEPTION 'unit code % already exists in an overlapping validity period', NEW.code
            USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END $$;
