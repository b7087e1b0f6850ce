-- The token whose write made figures due (NULL: the command line, an
-- import): a writer reads its own writes on any server. A query that
-- carries a token asks the primary whether that token still has notes
-- (one probe of the partial index below, none for anonymous reads) and
-- waits, bounded, until the refreshes that cover them have deleted them.
-- No foreign key: a note lives a second or two, and checking api_tokens
-- on every write's insert would buy nothing.
ALTER TABLE figures_due ADD COLUMN token_id bigint;
CREATE INDEX figures_due_token_idx ON figures_due (token_id, id) WHERE token_id IS NOT NULL;
