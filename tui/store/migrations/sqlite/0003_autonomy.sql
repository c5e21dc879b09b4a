-- Live autonomy grants (one per agent, "*" for everyone), gate-wide state such as incident mode, and
-- when each approver first opened each action (minimum review time is measured from it).
CREATE TABLE autonomy (
    agent  TEXT PRIMARY KEY,
    record TEXT NOT NULL
);
CREATE TABLE gate_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE views (
    action_id TEXT NOT NULL,
    who       TEXT NOT NULL,
    first_at  REAL NOT NULL,
    PRIMARY KEY (action_id, who)
);
