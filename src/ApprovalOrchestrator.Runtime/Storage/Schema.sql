-- ApprovalOrchestrator schema (SQLite). Quartz's QRTZ_ tables live in the same file, created by Quartz itself.
CREATE TABLE IF NOT EXISTS definitions (
    id          TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    hash        TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    author      TEXT    NOT NULL,
    comment     TEXT,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (id, version)
);

-- Definition lifecycle (additive: an existing database gains these tables on the next start).
-- A published row above is never updated; retraction is a row of its own, so "latest" = newest version without one.
CREATE TABLE IF NOT EXISTS definition_retractions (
    id            TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    author        TEXT    NOT NULL,
    comment       TEXT,
    retracted_at  TEXT    NOT NULL,
    PRIMARY KEY (id, version)
);

-- Working copies, valid or not, with the errors and warnings found when saved. Never used to run a request.
CREATE TABLE IF NOT EXISTS definition_drafts (
    draft_id       TEXT NOT NULL PRIMARY KEY,
    definition_id  TEXT,
    hash           TEXT NOT NULL,
    source         TEXT NOT NULL,
    errors         TEXT NOT NULL,
    warnings       TEXT NOT NULL,
    author         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_definition_drafts_definition ON definition_drafts (definition_id, updated_at);

-- Every change to definitions (draft saved/deleted, published, retracted, reverted), with the content hash and author.
CREATE TABLE IF NOT EXISTS definition_events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT    NOT NULL,
    definition_id  TEXT,
    version        INTEGER,
    draft_id       TEXT,
    hash           TEXT    NOT NULL,
    author         TEXT    NOT NULL,
    comment        TEXT,
    at             TEXT    NOT NULL,
    data           TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS ix_definition_events_definition ON definition_events (definition_id, seq);

CREATE TABLE IF NOT EXISTS instances (
    id                  TEXT    NOT NULL PRIMARY KEY,
    request_id          TEXT    NOT NULL UNIQUE,
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
CREATE INDEX IF NOT EXISTS ix_instances_status ON instances (status, updated_at);
CREATE INDEX IF NOT EXISTS ix_instances_created ON instances (created_at);

-- A projection of the open and closed approval tasks, rewritten in the same transaction as the instance.
CREATE TABLE IF NOT EXISTS approval_tasks (
    id           TEXT    NOT NULL PRIMARY KEY,
    instance_id  TEXT    NOT NULL,
    tier         INTEGER NOT NULL,
    group_name   TEXT    NOT NULL,
    required     INTEGER NOT NULL,
    approvals    INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    opened_at    TEXT    NOT NULL,
    due_at       TEXT    NOT NULL,
    risk         TEXT,
    assigned_to  TEXT
);
CREATE INDEX IF NOT EXISTS ix_tasks_status_due ON approval_tasks (status, due_at);
CREATE INDEX IF NOT EXISTS ix_tasks_instance ON approval_tasks (instance_id);

CREATE TABLE IF NOT EXISTS audit_events (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id         TEXT    NOT NULL,
    seq                 INTEGER NOT NULL,
    kind                TEXT    NOT NULL,
    actor               TEXT    NOT NULL,
    at                  TEXT    NOT NULL,
    definition_id       TEXT    NOT NULL,
    definition_version  INTEGER NOT NULL,
    definition_hash     TEXT    NOT NULL,
    data                TEXT    NOT NULL,
    prev_hash           TEXT    NOT NULL,
    hash                TEXT    NOT NULL,
    UNIQUE (instance_id, seq)
);

-- Timers are tokens: the row is the truth, Quartz only wakes us. 'armed' until the step that consumes or cancels it.
CREATE TABLE IF NOT EXISTS timers (
    token        TEXT NOT NULL PRIMARY KEY,
    instance_id  TEXT NOT NULL,
    task_id      TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    status       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_timers_status ON timers (status, due_at);

-- Transactional outbox: written with the step, published after commit.
CREATE TABLE IF NOT EXISTS outbox (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    message_type   TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    dispatched_at  TEXT
);
CREATE INDEX IF NOT EXISTS ix_outbox_pending ON outbox (dispatched_at, seq);

-- Inbox: one row per (consumer, message) handled, written in the consumer's own transaction.
CREATE TABLE IF NOT EXISTS inbox (
    consumer      TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    processed_at  TEXT NOT NULL,
    PRIMARY KEY (consumer, message_id)
);

-- Delegations ("act for me while I am away"). The delegator's groups are recorded from their own token.
CREATE TABLE IF NOT EXISTS delegations (
    id                TEXT NOT NULL PRIMARY KEY,
    delegator         TEXT NOT NULL,
    delegate          TEXT NOT NULL,
    delegator_groups  TEXT NOT NULL,
    starts_at         TEXT NOT NULL,
    ends_at           TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_delegations_delegate ON delegations (delegate, ends_at);

-- Refused calls (401/403), each in its own transaction so a refusal is recorded even when nothing else is. Never the token.
CREATE TABLE IF NOT EXISTS security_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    status    INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    method    TEXT NOT NULL,
    path      TEXT NOT NULL,
    reason    TEXT NOT NULL,
    remote_ip TEXT
);

-- The signed append-only audit log (docs/audit.md): one leaf per audit event, definition event, delegation and refused
-- call, written in the same transaction as the row it covers, so the log and the data cannot diverge. idx is the leaf's
-- 0-based position, assigned inside that transaction (SQLite has one writer). The leaf hash is over the canonical entry
-- rebuilt from the source row; the entry itself is not stored twice.
CREATE TABLE IF NOT EXISTS log_leaves (
    idx          INTEGER PRIMARY KEY,
    leaf_hash    BLOB    NOT NULL,
    source       TEXT    NOT NULL,
    source_id    TEXT    NOT NULL,
    instance_id  TEXT,
    UNIQUE (source, source_id)
);
CREATE INDEX IF NOT EXISTS ix_log_leaves_instance ON log_leaves (instance_id, idx) WHERE instance_id IS NOT NULL;

-- Hashes of the full subtrees above the leaves (level >= 1; level l index i covers leaves i*2^l .. (i+1)*2^l - 1), written
-- as each leaf completes them (one per leaf on average), so every root and proof reads O(log n) rows.
CREATE TABLE IF NOT EXISTS log_nodes (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hash   BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed checkpoints (C2SP signed notes), one per tree size signed; key_id says which key signed it.
CREATE TABLE IF NOT EXISTS log_checkpoints (
    size       INTEGER PRIMARY KEY,
    root       BLOB    NOT NULL,
    key_id     TEXT    NOT NULL,
    signed_at  TEXT    NOT NULL,
    note       TEXT    NOT NULL
);

-- Every public key that has signed a checkpoint, so old checkpoints stay verifiable after a key rotation.
CREATE TABLE IF NOT EXISTS log_keys (
    key_id         TEXT NOT NULL PRIMARY KEY,
    verifier_key   TEXT NOT NULL,
    first_used_at  TEXT NOT NULL
);
