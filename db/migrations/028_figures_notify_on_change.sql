-- A refresh that finds nothing changed for a campaign (its figures are as
-- current in a later snapshot) records that snapshot in figures_state
-- without changing the figures' version (updated_at). Such an update
-- announces nothing: the figures are those already announced. So the
-- announcement fires on an insert, and on an update only when the version
-- or the last day computed changes.
DROP TRIGGER figures_state_notify ON figures_state;
CREATE TRIGGER figures_state_notify AFTER INSERT ON figures_state
    FOR EACH ROW EXECUTE FUNCTION notify_figures();
CREATE TRIGGER figures_state_notify_change AFTER UPDATE ON figures_state
    FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.computed_to IS DISTINCT FROM NEW.computed_to)
    EXECUTE FUNCTION notify_figures();
