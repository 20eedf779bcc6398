-- Migration 12 (SQLite): budget counters per agent (issue 13 item 5). One row per agent, metric (requests, tool-calls,
-- tokens) and window (its start as ISO text: a UTC minute for requests, a UTC day for the others). Steps add to them
-- in their own transaction with an upsert that returns the new value, so the count and the check are one statement.
-- Old windows are pruned by the retention purge.
CREATE TABLE IF NOT EXISTS budget_counters (
    agent_id      TEXT    NOT NULL,
    metric        TEXT    NOT NULL,
    window_start  TEXT    NOT NULL,
    value         INTEGER NOT NULL,
    updated_at    TEXT    NOT NULL,
    PRIMARY KEY (agent_id, metric, window_start)
);
-- The purge's question: which windows ended long ago?
CREATE INDEX IF NOT EXISTS ix_budget_counters_window ON budget_counters (window_start);
