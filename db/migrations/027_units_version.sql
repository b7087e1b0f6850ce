-- Every refresh of a campaign's figures read the campaign's subtree of units
-- (a national one is 10,035 communes and their parents: 40 ms of a
-- recursive query, then scanning and hashing them in the server), about
-- twice a second on a report morning, though units change a few times a
-- year. units_state.version moves with every statement that writes units,
-- in that statement's transaction, so a refresh reads it in its own
-- snapshot and reads the units again only when it moved
-- (db/units_memory.go).
CREATE TABLE units_state (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version bigint NOT NULL
);
INSERT INTO units_state (version) VALUES (1);

CREATE FUNCTION units_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE units_state SET version = version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER units_changed AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION units_changed();
