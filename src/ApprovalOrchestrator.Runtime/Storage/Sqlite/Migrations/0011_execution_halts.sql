-- Migration 11 (SQLite): the kill switch (issue 13 item 4). A halt in force stops every execution it covers from
-- starting, on every node: the execute step reads these rows in its own transaction. control_state's single row is
-- bumped by every halt and resume: nodes poll its revision to refresh their cached view, and on PostgreSQL the execute
-- step holds it FOR SHARE, so a halt's UPDATE waits for starts in progress and no start commits after the halt did.
CREATE TABLE IF NOT EXISTS control_state (
    id        INTEGER NOT NULL PRIMARY KEY,
    revision  INTEGER NOT NULL
);
INSERT INTO control_state (id, revision) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS execution_halts (
    id             TEXT NOT NULL PRIMARY KEY,
    scope          TEXT NOT NULL,
    target         TEXT,
    reason         TEXT NOT NULL,
    halted_by      TEXT NOT NULL,
    halted_at      TEXT NOT NULL,
    resumed_by     TEXT,
    resumed_at     TEXT,
    resume_reason  TEXT
);
CREATE INDEX IF NOT EXISTS ix_execution_halts_resumed ON execution_halts (resumed_at);
