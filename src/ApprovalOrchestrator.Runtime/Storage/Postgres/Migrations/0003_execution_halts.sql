-- Migration 3 (PostgreSQL): the kill switch (issue 13 item 4), the same tables as SQLite migration 11. The execute step
-- holds control_state's row FOR SHARE while it reads execution_halts; a halt or resume UPDATEs that row first, so it
-- waits for starts in progress, and every start after it sees the committed halt.
CREATE TABLE IF NOT EXISTS control_state (
    id        bigint NOT NULL PRIMARY KEY,
    revision  bigint NOT NULL
);
INSERT INTO control_state (id, revision) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS execution_halts (
    id             text NOT NULL PRIMARY KEY,
    scope          text NOT NULL,
    target         text,
    reason         text NOT NULL,
    halted_by      text NOT NULL,
    halted_at      text NOT NULL,
    resumed_by     text,
    resumed_at     text,
    resume_reason  text
);
CREATE INDEX IF NOT EXISTS ix_execution_halts_resumed ON execution_halts (resumed_at);
