-- The Joint Work Plan: stakeholder profiles, areas, outcomes, actions with
-- their partners and countries, dated progress, indicators and their
-- manual values, translations of the plan's texts, and the plan's history.
-- Then the regional network: the library (links or files), events, tags
-- and comments.
CREATE TABLE stakeholder_profiles (
    org_id        INTEGER PRIMARY KEY REFERENCES organizations (id),
    lang          TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    corridor_work TEXT    NOT NULL DEFAULT '',
    contacts      TEXT    NOT NULL DEFAULT '',
    public        BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at    BIGINT  NOT NULL
);

CREATE TABLE plan_areas (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    position    INTEGER NOT NULL DEFAULT 0,
    lang        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE plan_outcomes (
    id          INTEGER PRIMARY KEY,
    area_id     INTEGER NOT NULL REFERENCES plan_areas (id),
    code        TEXT    NOT NULL UNIQUE,
    position    INTEGER NOT NULL DEFAULT 0,
    lang        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX plan_outcomes_area ON plan_outcomes (area_id, position);

CREATE TABLE plan_actions (
    id          INTEGER PRIMARY KEY,
    area_id     INTEGER NOT NULL REFERENCES plan_areas (id),
    outcome_id  INTEGER REFERENCES plan_outcomes (id),
    code        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    lang        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    lead_org_id INTEGER REFERENCES organizations (id),
    start_date  TEXT    NOT NULL DEFAULT '',
    end_date    TEXT    NOT NULL DEFAULT '',
    example     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX plan_actions_area ON plan_actions (area_id, code);
CREATE INDEX plan_actions_lead ON plan_actions (lead_org_id);

CREATE TABLE plan_action_partners (
    action_id INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    org_id    INTEGER NOT NULL REFERENCES organizations (id),
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (action_id, org_id)
);
CREATE INDEX plan_action_partners_org ON plan_action_partners (org_id);

CREATE TABLE plan_action_countries (
    action_id INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    country   TEXT    NOT NULL,
    PRIMARY KEY (action_id, country)
);

CREATE TABLE plan_progress (
    id         INTEGER PRIMARY KEY,
    action_id  INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    uid        TEXT    NOT NULL UNIQUE,
    on_date    TEXT    NOT NULL,
    org_id     INTEGER REFERENCES organizations (id),
    person_id  INTEGER REFERENCES people (id),
    lang       TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE INDEX plan_progress_action ON plan_progress (action_id, on_date, id);

CREATE TABLE plan_indicators (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE,
    outcome_id    INTEGER REFERENCES plan_outcomes (id),
    action_id     INTEGER REFERENCES plan_actions (id),
    lang          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    unit          TEXT    NOT NULL DEFAULT '',
    kind          TEXT    NOT NULL,
    measure       TEXT    NOT NULL DEFAULT '',
    params        TEXT    NOT NULL DEFAULT '',
    baseline      DOUBLE PRECISION,
    baseline_date TEXT    NOT NULL DEFAULT '',
    target        DOUBLE PRECISION,
    target_date   TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

CREATE TABLE plan_indicator_values (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES plan_indicators (id) ON DELETE CASCADE,
    uid          TEXT    NOT NULL UNIQUE,
    value        DOUBLE PRECISION NOT NULL,
    as_of        TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    org_id       INTEGER REFERENCES organizations (id),
    person_id    INTEGER REFERENCES people (id),
    created_at   BIGINT  NOT NULL
);
CREATE INDEX plan_indicator_values_indicator ON plan_indicator_values (indicator_id, as_of, id);

CREATE TABLE plan_translations (
    entity    TEXT   NOT NULL,
    entity_id BIGINT NOT NULL,
    lang      TEXT   NOT NULL,
    title     TEXT   NOT NULL,
    body      TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (entity, entity_id, lang)
);

-- What changed in the plan, field by field, for the public history. The
-- hash-chained audit_log holds the same events without the texts.
CREATE TABLE plan_history (
    id        INTEGER PRIMARY KEY,
    at        BIGINT  NOT NULL,
    actor     TEXT    NOT NULL,
    org_id    INTEGER REFERENCES organizations (id),
    entity    TEXT    NOT NULL,
    entity_id BIGINT  NOT NULL,
    code      TEXT    NOT NULL DEFAULT '',
    verb      TEXT    NOT NULL,
    changes   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX plan_history_entity ON plan_history (entity, entity_id, id);

CREATE TABLE network_events (
    id          INTEGER PRIMARY KEY,
    lang        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    place       TEXT    NOT NULL DEFAULT '',
    country     TEXT    NOT NULL DEFAULT '',
    start_date  TEXT    NOT NULL,
    end_date    TEXT    NOT NULL DEFAULT '',
    outcomes    TEXT    NOT NULL DEFAULT '',
    public      BOOLEAN NOT NULL DEFAULT TRUE,
    created_by  INTEGER REFERENCES people (id),
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE network_event_actions (
    event_id  INTEGER NOT NULL REFERENCES network_events (id) ON DELETE CASCADE,
    action_id INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, action_id)
);
CREATE INDEX network_event_actions_action ON network_event_actions (action_id);

CREATE TABLE network_resources (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    url          TEXT    NOT NULL DEFAULT '',
    file_name    TEXT    NOT NULL DEFAULT '',
    content_type TEXT    NOT NULL DEFAULT '',
    size         BIGINT  NOT NULL DEFAULT 0,
    published    TEXT    NOT NULL DEFAULT '',
    event_id     INTEGER REFERENCES network_events (id),
    public       BOOLEAN NOT NULL DEFAULT TRUE,
    created_by   INTEGER REFERENCES people (id),
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX network_resources_created ON network_resources (created_at, id);

-- Uploaded files, apart so that lists never read them. At most 5 MB each.
CREATE TABLE network_files (
    resource_id INTEGER PRIMARY KEY REFERENCES network_resources (id) ON DELETE CASCADE,
    content     BLOB    NOT NULL
);

-- Tags of resources and events: kind is area (value: the area's id),
-- country (two letters) or language (a language tag).
CREATE TABLE network_tags (
    owner    TEXT    NOT NULL,
    owner_id BIGINT  NOT NULL,
    kind     TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (owner, owner_id, kind, value)
);
CREATE INDEX network_tags_value ON network_tags (kind, value, owner, owner_id);

CREATE TABLE network_comments (
    id         INTEGER PRIMARY KEY,
    owner      TEXT    NOT NULL,
    owner_id   BIGINT  NOT NULL,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    body       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE INDEX network_comments_owner ON network_comments (owner, owner_id, id);
