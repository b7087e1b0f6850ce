-- A write to the tables that describe campaigns and units (not reports or
-- figures, which announce through figures_state) is announced on commit,
-- once per statement: servers drop the cached answers that read them.
CREATE FUNCTION notify_base() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tiendo_base', TG_TABLE_NAME);
    RETURN NULL;
END $$;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['units', 'metrics', 'campaigns', 'campaign_metrics', 'milestones', 'quota_revisions',
                             'bulletins', 'dataset', 'rules_versions', 'milestone_freezes', 'unit_links']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION notify_base()', t || '_notify_base', t);
    END LOOP;
END $$;
