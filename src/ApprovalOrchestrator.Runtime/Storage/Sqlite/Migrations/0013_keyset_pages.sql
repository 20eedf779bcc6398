-- Migration 14 (SQLite): the inbox and the request lists are keyset pages read from indexes (issue 11, docs/api.md
-- "Pagination"). Each index ends in the list's order and its tie-breaking id, so "the page after (key, id)" is one range.
-- The inbox's two branches: unassigned tasks of one group, and tasks assigned to one person; both by due time. Both
-- are partial: PostgreSQL orders by an index only past columns fixed by "=" ("IS NULL" is not one), and the second
-- then holds only the few assigned tasks. They replace (status, due_at), which only the old inbox query read.
CREATE INDEX IF NOT EXISTS ix_tasks_inbox_group ON approval_tasks (status, group_name, due_at, id) WHERE assigned_to IS NULL;
CREATE INDEX IF NOT EXISTS ix_tasks_inbox_assigned ON approval_tasks (status, assigned_to, due_at, id) WHERE assigned_to IS NOT NULL;
DROP INDEX IF EXISTS ix_tasks_status_due;
-- Requests newest first: all of them, of one status, or of one requester. (created_at, id) replaces (created_at).
CREATE INDEX IF NOT EXISTS ix_instances_created_id ON instances (created_at, id);
DROP INDEX IF EXISTS ix_instances_created;
CREATE INDEX IF NOT EXISTS ix_instances_status_created ON instances (status, created_at, id);
CREATE INDEX IF NOT EXISTS ix_instances_requester_created ON instances (requester, created_at, id);
