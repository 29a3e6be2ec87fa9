-- The registry of agencies in the recruitment chain, workers' reviews of
-- them and the agencies' answers, and the corridor statistics' summary
-- table. An agency is a row of organizations (type sending_agency,
-- supervising_org or registered_support_org) with its licence details here.
CREATE TABLE agency_details (
    org_id             INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    licence_number     TEXT   NOT NULL DEFAULT '',
    licence_status     TEXT   NOT NULL DEFAULT 'unknown',
    licence_source     TEXT   NOT NULL DEFAULT '',
    licence_checked_on TEXT   NOT NULL DEFAULT '',
    contact            TEXT   NOT NULL DEFAULT '',
    aliases            TEXT   NOT NULL DEFAULT '',  -- other names, separated by "|"
    -- name_search: names and licence number folded for search (lower case,
    -- Latin diacritics removed, NFKC), one per line: recruitment.SearchText.
    name_search        TEXT   NOT NULL DEFAULT '',
    licence_key        TEXT   NOT NULL DEFAULT '',  -- letters and digits of the licence number
    name_key           TEXT   NOT NULL DEFAULT '',  -- the folded name, to match imports
    updated_at         BIGINT NOT NULL
);
CREATE INDEX agency_details_licence ON agency_details (licence_key);
CREATE INDEX agency_details_name ON agency_details (name_key);

-- Search in any script: an FTS5 index with the trigram tokenizer serves
-- LIKE '%…%' on the folded names (Japanese, Thai, Khmer and Burmese have no
-- spaces between words, so words cannot be the unit). Triggers keep it in
-- step with agency_details.
CREATE VIRTUAL TABLE agency_search USING fts5 (name_search, tokenize = 'trigram');
CREATE TRIGGER agency_details_search_insert AFTER INSERT ON agency_details BEGIN
    INSERT INTO agency_search (rowid, name_search) VALUES (new.org_id, new.name_search);
END;
CREATE TRIGGER agency_details_search_update AFTER UPDATE OF name_search ON agency_details BEGIN
    UPDATE agency_search SET name_search = new.name_search WHERE rowid = new.org_id;
END;
CREATE TRIGGER agency_details_search_delete AFTER DELETE ON agency_details BEGIN
    DELETE FROM agency_search WHERE rowid = old.org_id;
END;

-- A worker's review of an agency, tied to their own fee report or case.
-- The comment and the moderator's reason are sealed under the review's own
-- data key (wrapped by the master key), like a case's details.
CREATE TABLE agency_reviews (
    id             INTEGER PRIMARY KEY,
    ref            TEXT    NOT NULL UNIQUE,
    org_id         INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    fee_report_id  BIGINT  REFERENCES fee_reports (id) ON DELETE CASCADE,
    case_id        INTEGER REFERENCES cases (id) ON DELETE CASCADE,
    verified       BOOLEAN NOT NULL,
    rating         INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    language       TEXT    NOT NULL,
    wrapped_key    BLOB    NOT NULL,
    sealed_comment BLOB    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'pending',
    sealed_reason  BLOB,
    moderated_by   INTEGER REFERENCES people (id),
    moderated_at   BIGINT,
    created_at     BIGINT  NOT NULL,
    CHECK (fee_report_id IS NOT NULL OR case_id IS NOT NULL),
    UNIQUE (org_id, fee_report_id),
    UNIQUE (org_id, case_id)
);
CREATE INDEX agency_reviews_status ON agency_reviews (status, id);
CREATE INDEX agency_reviews_org ON agency_reviews (org_id, status, id);

-- The one answer an agency publishes to its reviews.
CREATE TABLE agency_answers (
    org_id       INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    body         TEXT    NOT NULL,
    language     TEXT    NOT NULL,
    author_id    INTEGER NOT NULL REFERENCES people (id),
    published_at BIGINT  NOT NULL
);

-- Corridor statistics: every filter's figures (recruitment.Stats as JSON,
-- before suppression, which is applied when they are shown), computed from
-- the fee reports in one pass and replaced together.
CREATE TABLE recruitment_stats (
    origin  TEXT    NOT NULL,
    program TEXT    NOT NULL,
    year    INTEGER NOT NULL,
    body    TEXT    NOT NULL,
    PRIMARY KEY (origin, program, year)
);
-- Each agency's fee reports with a finding, by rule and severity
-- (violation, concern), computed with the summary for the agency's page.
CREATE TABLE recruitment_agency_findings (
    org_id   BIGINT  NOT NULL,
    rule_id  TEXT    NOT NULL,
    severity TEXT    NOT NULL,
    reports  INTEGER NOT NULL,
    PRIMARY KEY (org_id, rule_id, severity)
);
-- The grievances made from an agency's fee reports, for its page.
CREATE INDEX fee_reports_agency_case ON fee_reports (agency_org_id, case_id);

-- What the summary holds: computed from data version `fingerprint`, from
-- `reports` reports, at `computed_at`; the origins, programmes and years it
-- has figures for (JSON); a refresh in progress holds the lease until
-- `refresh_until`.
CREATE TABLE recruitment_stats_meta (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint   TEXT    NOT NULL DEFAULT '',
    reports       BIGINT  NOT NULL DEFAULT 0,
    computed_at   BIGINT  NOT NULL DEFAULT 0,
    refresh_until BIGINT  NOT NULL DEFAULT 0,
    dimensions    TEXT    NOT NULL DEFAULT '{}'
);
INSERT INTO recruitment_stats_meta (id) VALUES (1);

-- The fee reports' data version: every change the statistics depend on
-- (a report, item or finding added, removed, or changed in a column the
-- figures use) adds one, through the triggers below, in the transaction
-- that makes the change. A page compares it with the summary's in one
-- read. Its own table, so that writers of fee reports never wait for a
-- summary being saved.
CREATE TABLE recruitment_stats_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO recruitment_stats_version (id) VALUES (1);
CREATE TRIGGER fee_reports_stats_insert AFTER INSERT ON fee_reports BEGIN
    UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER fee_reports_stats_delete AFTER DELETE ON fee_reports BEGIN
    UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER fee_reports_stats_update AFTER UPDATE OF origin_country, program, occupation, sex, report_year,
        agency_org_id, total_cost_jpy, first_month_earnings_jpy, has_violation ON fee_reports BEGIN
    UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER fee_items_stats_insert AFTER INSERT ON fee_items BEGIN
    UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER fee_items_stats_delete AFTER DELETE ON fee_items BEGIN
    UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER fee_items_stats_update AFTER UPDATE OF kind, amount_jpy, refunded ON fee_items BEGIN
    UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER fee_findings_stats_insert AFTER INSERT ON fee_findings BEGIN
    UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER fee_findings_stats_delete AFTER DELETE ON fee_findings BEGIN
    UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER fee_findings_stats_update AFTER UPDATE OF rule_id, severity ON fee_findings BEGIN
    UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1;
END;
