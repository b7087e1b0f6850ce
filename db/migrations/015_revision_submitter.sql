-- The public corrections log names, for every report revision, how it came
-- in and which unit's token sent it, never a token's name or a person: the
-- actor column keeps the token's name for the audit log only.
--   submitted_via      'API' (a token through GraphQL) or 'IMPORT' (a CSV
--                      file loaded by an operator); NULL for revisions
--                      stored before this was recorded
--   submitter_role     the token's role: 'reporter' or 'admin' (NULL: unknown)
--   submitter_unit_id  the unit of the token (a reporter's unit; an admin's
--                      when it has one), NULL when none
-- Nullable columns without defaults: adding them rewrites nothing (the
-- foreign key's check reads the table once and finds only nulls).
ALTER TABLE report_revisions
    ADD COLUMN submitted_via text CHECK (submitted_via IN ('API', 'IMPORT')),
    ADD COLUMN submitter_role text CHECK (submitter_role IN ('reporter', 'admin')),
    ADD COLUMN submitter_unit_id bigint REFERENCES units (id);

-- The corrections log reads the revisions that replace an earlier one (or
-- were sent as corrections) newest first: a partial index keeps that read
-- off the millions of first reports.
CREATE INDEX report_revisions_corrections_idx ON report_revisions (reported_at DESC, id DESC)
    WHERE revision > 1 OR correction;
