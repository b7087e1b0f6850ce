-- A change of a campaign's figures and a bulletin published are announced
-- when they commit (NOTIFY is transactional): every API instance LISTENs,
-- drops what it cached of that campaign and tells its live subscribers.
-- Payloads are small JSON objects (NOTIFY allows 8000 bytes).
CREATE FUNCTION notify_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tiendo_figures', json_build_object(
        'campaign', NEW.campaign_id, 'version', NEW.updated_at::text, 'computedTo', NEW.computed_to)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER figures_state_notify AFTER INSERT OR UPDATE ON figures_state
    FOR EACH ROW EXECUTE FUNCTION notify_figures();

CREATE FUNCTION notify_bulletin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tiendo_bulletins', json_build_object(
        'campaign', NEW.campaign_id, 'day', NEW.day, 'revision', NEW.revision)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER bulletins_notify AFTER INSERT ON bulletins
    FOR EACH ROW EXECUTE FUNCTION notify_bulletin();
