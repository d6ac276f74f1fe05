-- The journal is append-only: PostgreSQL rejects any UPDATE, DELETE or TRUNCATE of it.
CREATE FUNCTION openpostage_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only: % is not allowed', TG_OP USING ERRCODE = 'P0001';
END
$$;

CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal
    FOR EACH ROW EXECUTE FUNCTION openpostage_journal_append_only();

CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
    FOR EACH STATEMENT EXECUTE FUNCTION openpostage_journal_append_only();
