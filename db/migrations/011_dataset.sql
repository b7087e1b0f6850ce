-- What the database holds: one row, written when the demo dataset is
-- loaded (demo = true), so that the server, the portal and the downloads
-- can say "demo data" whenever they show it (issue 11). No row: real data.
CREATE TABLE dataset (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    demo      boolean NOT NULL,
    marked_at timestamptz NOT NULL DEFAULT now()
);
