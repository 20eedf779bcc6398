-- Migration 4 (PostgreSQL): budget counters per agent (issue 13 item 5), the same table as SQLite migration 12. The
-- upsert that adds to a counter takes its row lock until the step commits, so two nodes counting the same agent's
-- requests in one window serialise on that row and each sees the other's count.
CREATE TABLE IF NOT EXISTS budget_counters (
    agent_id      text    NOT NULL,
    metric        text    NOT NULL,
    window_start  text    NOT NULL,
    value         bigint  NOT NULL,
    updated_at    text    NOT NULL,
    PRIMARY KEY (agent_id, metric, window_start)
);
CREATE INDEX IF NOT EXISTS ix_budget_counters_window ON budget_counters (window_start);
