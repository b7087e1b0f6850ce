-- The 2025 reform's crosswalk: which old unit (valid until 30/06/2025) went
-- into which new one (valid from 01/07/2025), whole or in part, with the
-- official text it was read from.
CREATE TABLE unit_links (
    old_id  bigint NOT NULL REFERENCES units (id),
    new_id  bigint NOT NULL REFERENCES units (id),
    kind    text NOT NULL CHECK (kind IN ('WHOLE','PART')),
    source  text NOT NULL DEFAULT '',
    PRIMARY KEY (old_id, new_id),
    CHECK (old_id <> new_id)
);
CREATE INDEX unit_links_new_idx ON unit_links (new_id, old_id);
