-- The operator journal and the checkpoints are append-only, like the journal.
CREATE TRIGGER operator_journal_append_only BEFORE UPDATE OR DELETE ON operator_journal
    FOR EACH ROW EXECUTE FUNCTION openpostage_journal_append_only();
CREATE TRIGGER operator_journal_no_truncate BEFORE TRUNCATE ON operator_journal
    FOR EACH STATEMENT EXECUTE FUNCTION openpostage_journal_append_only();
CREATE TRIGGER journal_checkpoints_append_only BEFORE UPDATE OR DELETE ON journal_checkpoints
    FOR EACH ROW EXECUTE FUNCTION openpostage_journal_append_only();
CREATE TRIGGER journal_checkpoints_no_truncate BEFORE TRUNCATE ON journal_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION openpostage_journal_append_only();
