-- Migration 2 (PostgreSQL): execution leases (issue 10), the same table as SQLite migration 10. A Gateway call in
-- flight belongs to the process run holding its lease: written with the "execution started" step, heartbeated while
-- the call runs, deleted with the outcome. Recovery takes over only a lease that expired.
CREATE TABLE IF NOT EXISTS execution_leases (
    instance_id      text    NOT NULL PRIMARY KEY,
    attempt          bigint  NOT NULL,
    idempotency_key  text    NOT NULL,
    owner            text    NOT NULL,
    acquired_at      text    NOT NULL,
    heartbeat_at     text    NOT NULL,
    expires_at       text    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_execution_leases_expires ON execution_leases (expires_at);
