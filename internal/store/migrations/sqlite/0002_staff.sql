-- Organisations, their people, invitations and staff sessions.
CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    name       TEXT   NOT NULL,
    type       TEXT   NOT NULL,
    country    TEXT   NOT NULL,
    languages  TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX organizations_type ON organizations (type, id);

CREATE TABLE people (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organizations (id),
    email            TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL DEFAULT '',
    role             TEXT    NOT NULL,
    password_hash    TEXT    NOT NULL,
    sealed_totp      BLOB    NOT NULL,
    last_totp_period BIGINT  NOT NULL DEFAULT 0,
    active           BOOLEAN NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX people_org ON people (org_id, id);

CREATE TABLE invitations (
    token_hash  BLOB    PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    email       TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    sealed_totp BLOB,
    invited_by  INTEGER NOT NULL REFERENCES people (id),
    expires_at  BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE staff_sessions (
    token_hash BLOB    PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    last_seen  BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX staff_sessions_person ON staff_sessions (person_id);
