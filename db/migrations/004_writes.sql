-- The write side: idempotent batches, flagged figures, and a faster audit
-- trail per token.

-- Client keys make a write idempotent: the first request under a key stores
-- a hash of its payload and its result; a retry with the same key and the
-- same payload gets that result back, and one with another payload is a
-- conflict. Keys belong to the token that used them.
CREATE TABLE client_keys (
    token_id      bigint NOT NULL REFERENCES api_tokens (id),
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    operation     text NOT NULL,
    request_hash  bytea NOT NULL CHECK (length(request_hash) = 32),
    result        jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_id, key)
);

-- A figure above the unit's quota by more than the configured factor is
-- rejected unless the writer confirms it; a confirmed one is stored flagged.
ALTER TABLE report_revisions ADD COLUMN flagged boolean NOT NULL DEFAULT false;

CREATE INDEX audit_log_token_idx ON audit_log (token_id, id);
