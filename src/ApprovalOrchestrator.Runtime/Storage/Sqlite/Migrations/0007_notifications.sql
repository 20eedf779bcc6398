-- Migration 7 (SQLite): notifications (issue 14, item 4). An event row is written in the same transaction as the step
-- that causes it (like the outbox); the dispatcher fans it out into one delivery per configured channel and delivers
-- those with retries and backoff. A delivery that keeps failing is marked 'dead' with the reason (never deleted).
CREATE TABLE notification_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT    NOT NULL UNIQUE,
    instance_id   TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    fanned_out_at TEXT
);
CREATE INDEX ix_notification_events_instance ON notification_events (instance_id);
CREATE INDEX ix_notification_events_pending ON notification_events (seq) WHERE fanned_out_at IS NULL;

CREATE TABLE notification_deliveries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT,
    delivered_at    TEXT,
    dead_at         TEXT,
    UNIQUE (event_id, channel)
);
CREATE INDEX ix_notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';

-- One-time codes of mailed task links: only the SHA-256 of the code is kept. A code marks a visit as coming from the
-- mail; it never signs anyone in (the console still requires sign-in) and is honoured once, before expires_at.
CREATE TABLE notification_links (
    code_hash   TEXT NOT NULL PRIMARY KEY,
    task_id     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     TEXT
);
