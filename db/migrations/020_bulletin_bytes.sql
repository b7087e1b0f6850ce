-- The exact bytes of a bulletin revision's canonical JSON, as published:
-- content_hash is their SHA-256, and /downloads/{campaign}/{date}.json
-- serves them unchanged (content, a jsonb, re-serialises them otherwise).
-- NULL for revisions published before it was recorded.
ALTER TABLE bulletins ADD COLUMN content_bytes bytea
    CHECK (content_bytes IS NULL OR encode(sha256(content_bytes), 'hex') = content_hash);
