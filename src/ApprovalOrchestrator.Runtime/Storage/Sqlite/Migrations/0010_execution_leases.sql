-- Migration 10 (SQLite): execution leases (issue 10). A Gateway call in flight belongs to the process run holding its
-- lease: written with the "execution started" step, heartbeated while the call runs, deleted with the outcome.
-- Recovery takes over only a lease that expired. One row per instance (one attempt is in flight at a time).
-- Executions started by the release before this one have no row; recovery treats them as expired.
CREATE TABLE IF NOT EXISTS execution_leases (
    instance_id      TEXT    NOT NULL PRIMARY KEY,
    attempt          INTEGER NOT NULL,
    idempotency_key  TEXT    NOT NULL,
    owner            TEXT    NOT NULL,
    acquired_at      TEXT    NOT NULL,
    heartbeat_at     TEXT    NOT NULL,
    expires_at       TEXT    NOT NULL
);
-- The sweep's question on every node: which leases have expired?
CREATE INDEX IF NOT EXISTS ix_execution_leases_expires ON execution_leases (expires_at);
