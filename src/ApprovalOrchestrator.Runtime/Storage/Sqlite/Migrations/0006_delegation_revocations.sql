-- Migration 6 (SQLite): revoking a delegation before it ends. A revocation is a row of its own (never an update of the
-- grant, whose signed-log leaf covers it as it was made): who revoked it, when, and why. A grant ends at the earlier of
-- its ends_at and its revocation.
CREATE TABLE delegation_revocations (
    delegation_id  TEXT NOT NULL PRIMARY KEY,
    revoked_by     TEXT NOT NULL,
    revoked_at     TEXT NOT NULL,
    reason         TEXT
);
