-- Intake: cases, their categories and messages, the audit trail, idempotent
-- submissions, worker sessions and durable jobs.
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    reference       TEXT    NOT NULL UNIQUE,
    receipt_hash    BLOB    NOT NULL UNIQUE,
    passphrase_hash TEXT,
    status          TEXT    NOT NULL,
    risk            TEXT    NOT NULL,
    risk_rule       TEXT    NOT NULL,
    indicators      TEXT    NOT NULL DEFAULT '',
    language        TEXT    NOT NULL,
    origin_country  TEXT    NOT NULL,
    program         TEXT    NOT NULL,
    prefecture      TEXT    NOT NULL DEFAULT '',
    incident_date   TEXT    NOT NULL DEFAULT '',
    anonymous       BOOLEAN NOT NULL,
    share_identity  BOOLEAN NOT NULL,
    created_at      BIGINT  NOT NULL,
    acknowledge_by  BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    wrapped_key     BLOB    NOT NULL,
    sealed_details  BLOB    NOT NULL
);
CREATE INDEX cases_status_deadline ON cases (status, acknowledge_by, id);

CREATE TABLE case_categories (
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    code    TEXT    NOT NULL,
    PRIMARY KEY (case_id, code)
);
CREATE INDEX case_categories_code ON case_categories (code, case_id);

CREATE TABLE case_messages (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    sealed_body BLOB    NOT NULL
);
CREATE INDEX case_messages_case ON case_messages (case_id, id);

CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT   NOT NULL,
    action    TEXT   NOT NULL,
    case_ref  TEXT   NOT NULL DEFAULT '',
    detail    TEXT   NOT NULL DEFAULT '',
    prev_hash BLOB   NOT NULL,
    hash      BLOB   NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_ref, seq);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BLOB   NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

CREATE TABLE idempotency_keys (
    key_hash        BLOB    PRIMARY KEY,
    request_hash    BLOB    NOT NULL,
    case_id         INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sealed_response BLOB    NOT NULL,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE worker_sessions (
    token_hash BLOB    PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX worker_sessions_expires ON worker_sessions (expires_at);

CREATE TABLE jobs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    case_id    INTEGER REFERENCES cases (id) ON DELETE CASCADE,
    run_at     BIGINT  NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'pending',
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL
);
CREATE INDEX jobs_pending ON jobs (state, run_at);
