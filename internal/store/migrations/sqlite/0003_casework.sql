-- Case handling: the current stage's deadline, the timeline, referrals,
-- remedies, worker feedback, and the notification outbox.
ALTER TABLE cases ADD COLUMN deadline_at BIGINT;
ALTER TABLE cases ADD COLUMN deadline_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN overdue BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN acknowledged_at BIGINT;
ALTER TABLE cases ADD COLUMN first_response_at BIGINT;
ALTER TABLE cases ADD COLUMN remedy_implemented_at BIGINT;
ALTER TABLE cases ADD COLUMN closed_at BIGINT;
ALTER TABLE cases ADD COLUMN sealed_status_note BLOB;
UPDATE cases SET deadline_at = acknowledge_by, deadline_kind = 'acknowledge' WHERE status = 'received';
CREATE INDEX cases_deadline ON cases (deadline_at, id);
CREATE INDEX cases_language ON cases (language, id);
CREATE INDEX cases_origin ON cases (origin_country, id);

-- The timeline of a case: every event in order. Notes are sealed under
-- the case key; kind and statuses are in clear for lists and statistics.
CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at          BIGINT  NOT NULL,
    actor       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    from_status TEXT    NOT NULL DEFAULT '',
    to_status   TEXT    NOT NULL DEFAULT '',
    ref_id      BIGINT,
    sealed_note BLOB
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE referrals (
    id                 INTEGER PRIMARY KEY,
    case_id            INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    org_id             INTEGER NOT NULL REFERENCES organizations (id),
    status             TEXT    NOT NULL,
    sealed_note        BLOB,
    sent_by            INTEGER REFERENCES people (id),
    sent_at            BIGINT  NOT NULL,
    acknowledge_by     BIGINT  NOT NULL,
    acknowledged_at    BIGINT,
    sealed_reason      BLOB,
    responded_at       BIGINT,
    resolved_at        BIGINT,
    overdue            BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX referrals_org ON referrals (org_id, status, case_id);
CREATE INDEX referrals_case ON referrals (case_id);

-- Messages gain an audience: the worker's thread, or the thread between
-- the mechanism and one referred organisation.
ALTER TABLE case_messages ADD COLUMN referral_id BIGINT REFERENCES referrals (id);
ALTER TABLE case_messages ADD COLUMN author_id BIGINT REFERENCES people (id);

CREATE TABLE remedies (
    id                   INTEGER PRIMARY KEY,
    case_id              INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    referral_id          BIGINT  REFERENCES referrals (id),
    type                 TEXT    NOT NULL,
    provider_org_id      INTEGER REFERENCES organizations (id),
    amount_minor         BIGINT,
    currency             TEXT    NOT NULL DEFAULT '',
    due_date             TEXT    NOT NULL DEFAULT '',
    status               TEXT    NOT NULL,
    sealed_description   BLOB,
    sealed_evidence      BLOB,
    proposed_by          INTEGER REFERENCES people (id),
    proposed_at          BIGINT  NOT NULL,
    decided_at           BIGINT,
    implemented_at       BIGINT
);
CREATE INDEX remedies_case ON remedies (case_id);

CREATE TABLE feedback (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    round        INTEGER NOT NULL,
    satisfaction INTEGER NOT NULL,
    retaliation  BOOLEAN NOT NULL,
    at           BIGINT  NOT NULL,
    UNIQUE (case_id, round)
);

-- Jobs: a breach fires once; the row records when and what it did.
ALTER TABLE jobs ADD COLUMN ref_id BIGINT;
ALTER TABLE jobs ADD COLUMN done_at BIGINT;
ALTER TABLE jobs ADD COLUMN result TEXT NOT NULL DEFAULT '';

-- Notifications to send, written in the same transaction as what caused
-- them (transactional outbox). The payload is sealed under the case key.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases (id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL,
    template        TEXT    NOT NULL,
    sealed_payload  BLOB,
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    sent_at         BIGINT,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
