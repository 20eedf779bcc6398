-- Migration 5 (SQLite): the signed append-only audit log (issue 12, docs/audit.md).

-- The signed append-only audit log (docs/audit.md): one leaf per audit event, definition event, delegation and refused
-- call, written in the same transaction as the row it covers, so the log and the data cannot diverge. idx is the leaf's
-- 0-based position, assigned inside that transaction (SQLite has one writer). The leaf hash is over the canonical entry
-- rebuilt from the source row; the entry itself is not stored twice.
CREATE TABLE log_leaves (
    idx          INTEGER PRIMARY KEY,
    leaf_hash    BLOB    NOT NULL,
    source       TEXT    NOT NULL,
    source_id    TEXT    NOT NULL,
    instance_id  TEXT,
    UNIQUE (source, source_id)
);
CREATE INDEX ix_log_leaves_instance ON log_leaves (instance_id, idx) WHERE instance_id IS NOT NULL;

-- Hashes of the full subtrees above the leaves (level >= 1; level l index i covers leaves i*2^l .. (i+1)*2^l - 1), written
-- as each leaf completes them (one per leaf on average), so every root and proof reads O(log n) rows.
CREATE TABLE log_nodes (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hash   BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed checkpoints (C2SP signed notes), one per tree size signed; key_id says which key signed it.
CREATE TABLE log_checkpoints (
    size       INTEGER PRIMARY KEY,
    root       BLOB    NOT NULL,
    key_id     TEXT    NOT NULL,
    signed_at  TEXT    NOT NULL,
    note       TEXT    NOT NULL
);

-- Every public key that has signed a checkpoint, so old checkpoints stay verifiable after a key rotation.
CREATE TABLE log_keys (
    key_id         TEXT NOT NULL PRIMARY KEY,
    verifier_key   TEXT NOT NULL,
    first_used_at  TEXT NOT NULL
);
