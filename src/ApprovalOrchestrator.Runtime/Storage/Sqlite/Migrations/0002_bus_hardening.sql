-- Migration 2 (SQLite): forged-message and flood defences (issue 9): timer firing keys, aggregated security events,
-- outbox poison rows, indexes for retention purges.
-- Timer firing keys: 256 random bits per armed timer, carried by the Quartz job into TimerFired. The token itself is
-- derived from the task id (for replay), so it is guessable; the key is not, and a TimerFired without it changes nothing.
CREATE TABLE timer_keys (
    token  TEXT NOT NULL PRIMARY KEY,
    key    TEXT NOT NULL
);

-- Identical refusals of one window are one row: how many, and when the last one came.
ALTER TABLE security_events ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE security_events ADD COLUMN last_at TEXT;
CREATE INDEX ix_security_events_at ON security_events (at);
CREATE INDEX ix_inbox_processed ON inbox (processed_at);

-- Failed publishes of an outbox row, counted; after Outbox:MaxAttempts the row moves to outbox_poison.
CREATE TABLE outbox_failures (
    seq         INTEGER NOT NULL PRIMARY KEY,
    attempts    INTEGER NOT NULL,
    last_error  TEXT    NOT NULL,
    last_at     TEXT    NOT NULL
);

-- Outbox rows that cannot be published (unknown type, unreadable body, refused by the broker), set aside with the
-- reason so they stop holding up the rows behind them. Listed at GET /api/admin/outbox/poison; retried or discarded there.
CREATE TABLE outbox_poison (
    seq           INTEGER NOT NULL PRIMARY KEY,
    id            TEXT    NOT NULL,
    message_type  TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    attempts      INTEGER NOT NULL,
    reason        TEXT    NOT NULL,
    poisoned_at   TEXT    NOT NULL
);
