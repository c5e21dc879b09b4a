-- The audit log: append-only, each record hash-chained to the one before (`prev` = that record's `hash`)
-- and authenticated (`mac` = HMAC-SHA256 of `hash` under the key held in keyring, named by `key_id`).
-- `seq` is assigned by the writer (previous + 1) so a lost race is a primary-key conflict, never a fork.
-- No AUTOINCREMENT and no index on `at`: each is one more page written per record, and the gate writes
-- a record per event (bench/audit.py). Time windows are found by binary search on seq (SqliteStore).
-- `data` is the JSON text exactly as authenticated: never rewritten, only compared.
CREATE TABLE audit_log (
    seq    INTEGER PRIMARY KEY,
    at     REAL    NOT NULL,
    kind   TEXT    NOT NULL,
    data   TEXT    NOT NULL,
    prev   TEXT    NOT NULL,
    hash   TEXT    NOT NULL,
    mac    TEXT    NOT NULL,
    key_id TEXT    NOT NULL
);
