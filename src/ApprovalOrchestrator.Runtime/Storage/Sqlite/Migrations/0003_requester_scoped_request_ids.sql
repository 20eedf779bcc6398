-- Migration 3 (SQLite): a requestId is its requester's idempotency key, so two people may use the same one (issue 9,
-- class 11). SQLite cannot drop the inline UNIQUE (request_id) of migration 1: the table is rebuilt, rows copied. No
-- other table has a foreign key into instances.
DROP INDEX IF EXISTS ix_instances_status;
DROP INDEX IF EXISTS ix_instances_created;
ALTER TABLE instances RENAME TO instances_before_requester_scope;

CREATE TABLE instances (
    id                  TEXT    NOT NULL PRIMARY KEY,
    request_id          TEXT    NOT NULL,
    fingerprint         TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    risk                TEXT,
    requester           TEXT    NOT NULL,
    agent_id            TEXT    NOT NULL,
    definition_id       TEXT    NOT NULL,
    definition_version  INTEGER NOT NULL,
    definition_hash     TEXT    NOT NULL,
    version             INTEGER NOT NULL,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    state               TEXT    NOT NULL
);

INSERT INTO instances (id, request_id, fingerprint, status, risk, requester, agent_id, definition_id, definition_version, definition_hash, version, created_at, updated_at, state)
SELECT id, request_id, fingerprint, status, risk, requester, agent_id, definition_id, definition_version, definition_hash, version, created_at, updated_at, state
FROM instances_before_requester_scope;
DROP TABLE instances_before_requester_scope;

CREATE UNIQUE INDEX ux_instances_requester_request ON instances (requester, request_id);
CREATE INDEX ix_instances_status ON instances (status, updated_at);
CREATE INDEX ix_instances_created ON instances (created_at);
