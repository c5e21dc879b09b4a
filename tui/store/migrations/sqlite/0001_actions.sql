-- Actions: immutable submission fields live in `record` (JSON); what changes has its own columns.
CREATE TABLE actions (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL UNIQUE,
    created_at   REAL    NOT NULL,
    status       TEXT    NOT NULL,
    agent_id     TEXT    NOT NULL,
    level        TEXT    NOT NULL,
    content_hash TEXT    NOT NULL,
    expires_at   REAL,
    resolved_at  REAL,
    record       TEXT    NOT NULL
);
CREATE INDEX actions_status ON actions (status, seq);
CREATE INDEX actions_agent ON actions (agent_id, seq);

CREATE TABLE decisions (
    action_id TEXT    NOT NULL REFERENCES actions (id),
    n         INTEGER NOT NULL,
    by        TEXT    NOT NULL,
    verdict   TEXT    NOT NULL,
    role      TEXT    NOT NULL,
    channel   TEXT    NOT NULL,
    at        REAL    NOT NULL,
    reason    TEXT    NOT NULL,
    PRIMARY KEY (action_id, n)
);
