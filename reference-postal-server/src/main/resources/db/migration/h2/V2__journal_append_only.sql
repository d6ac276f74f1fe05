-- The journal is append-only: H2 rejects any UPDATE or DELETE of it through a Java trigger.
CREATE TRIGGER journal_append_only BEFORE UPDATE, DELETE ON journal
    FOR EACH ROW CALL 'org.openpostage.server.internal.db.H2AppendOnlyTrigger';
