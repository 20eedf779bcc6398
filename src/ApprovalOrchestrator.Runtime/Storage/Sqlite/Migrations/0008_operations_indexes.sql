-- Migration 8 (SQLite): indexes for the operations dashboard, so its queries read index ranges, not whole tables.
-- Events of one kind in a time window (escalations, expiries, decisions, completions over the last 24 h).
CREATE INDEX IF NOT EXISTS ix_audit_events_kind_at ON audit_events (kind, at);
-- The oldest waiting tasks: open tasks by the time they were opened.
CREATE INDEX IF NOT EXISTS ix_tasks_status_opened ON approval_tasks (status, opened_at);
