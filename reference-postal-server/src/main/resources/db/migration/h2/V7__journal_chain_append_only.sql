-- The operator journal and the checkpoints are append-only, like the journal.
CREATE TRIGGER operator_journal_append_only BEFORE UPDATE, DELETE ON operator_journal
    FOR EACH ROW CALL 'org.openpostage.server.internal.db.H2AppendOnlyTrigger';
CREATE TRIGGER journal_checkpoints_append_only BEFORE UPDATE, DELETE ON journal_checkpoints
    FOR EACH ROW CALL 'org.openpostage.server.internal.db.H2AppendOnlyTrigger';
