-- Automatic persisted queries, shared by every API server: a client that
-- registered a query's SHA-256 with one server may send just the hash to
-- another. Documents only (no data); bounded by the application.
CREATE TABLE persisted_queries (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    query      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
