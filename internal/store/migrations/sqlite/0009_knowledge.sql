-- What workers need to know: articles by stage, each with its texts in
-- several languages (translations of one another, each with its review
-- state and the day its facts were last checked), and the help directory.
-- The seed (embedded Markdown and the emergency contacts) is applied once
-- per version, recorded in knowledge_seed; it only adds what is missing.
CREATE TABLE knowledge_articles (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    stages      TEXT    NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    source_lang TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE knowledge_translations (
    id                 INTEGER PRIMARY KEY,
    article_id         INTEGER NOT NULL REFERENCES knowledge_articles (id) ON DELETE CASCADE,
    lang               TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    summary            TEXT    NOT NULL DEFAULT '',
    body_md            TEXT    NOT NULL,
    body_html          TEXT    NOT NULL,
    state              TEXT    NOT NULL,
    last_checked       BIGINT  NOT NULL,
    machine_translated BOOLEAN NOT NULL DEFAULT FALSE,
    translated_from    TEXT    NOT NULL DEFAULT '',
    to_check           TEXT    NOT NULL DEFAULT '',
    revision           INTEGER NOT NULL DEFAULT 1,
    source_revision    INTEGER NOT NULL DEFAULT 1,
    updated_at         BIGINT  NOT NULL,
    updated_by         TEXT    NOT NULL,
    UNIQUE (article_id, lang)
);

CREATE TABLE directory_entries (
    id           INTEGER PRIMARY KEY,
    seed_key     TEXT    UNIQUE,
    name         TEXT    NOT NULL,
    name_lang    TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    countries    TEXT    NOT NULL DEFAULT '',
    prefecture   TEXT    NOT NULL DEFAULT '',
    nationwide   BOOLEAN NOT NULL DEFAULT FALSE,
    languages    TEXT    NOT NULL DEFAULT '',
    channels     TEXT    NOT NULL,
    hours        TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    source       TEXT    NOT NULL,
    last_checked BIGINT  NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    updated_by   TEXT    NOT NULL
);
CREATE INDEX directory_entries_kind ON directory_entries (kind, position);

CREATE TABLE knowledge_seed (
    version    TEXT   PRIMARY KEY,
    applied_at BIGINT NOT NULL
);
