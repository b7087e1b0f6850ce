-- Figures due: a durable note, written in the same transaction as every
-- write that changes a campaign's figures, that they must be recomputed
-- from from_day on. The write still refreshes the figures before it
-- returns; the note is what makes a crash between the commit and that
-- refresh heal: the figures worker (package figures) refreshes every
-- campaign with a note, on start and continuously, and the refresh deletes
-- the notes it covered (those visible in the snapshot it read its inputs
-- in) in the transaction that writes the figures.
--
-- Append-only (one row per write, no upsert), so concurrent writers of a
-- campaign never wait for each other on it.
CREATE TABLE figures_due (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    from_day    date NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    xid         xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX figures_due_campaign_idx ON figures_due (campaign_id);
