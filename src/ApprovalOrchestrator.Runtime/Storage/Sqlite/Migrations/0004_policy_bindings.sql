-- Migration 4 (SQLite): policy bindings (issue 9, class 3): which workflow a request runs under (by agent, by submitter
-- group, default). One row per version, never updated; each change is also a 'bindings-published' row in
-- definition_events.
CREATE TABLE binding_versions (
    version     INTEGER NOT NULL PRIMARY KEY,
    hash        TEXT    NOT NULL,
    document    TEXT    NOT NULL,
    author      TEXT    NOT NULL,
    comment     TEXT,
    created_at  TEXT    NOT NULL
);
