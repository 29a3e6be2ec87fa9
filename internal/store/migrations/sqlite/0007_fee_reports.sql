-- Fee reports (issue 4, parts 2, 3 and 7): what workers paid to be
-- recruited, checked against the fee rules in force on the report's date.
-- Written by internal/store/fee_report.go and fee_rule.go; READ by the
-- corridor statistics (SDG 10.7.1), the public dashboard and the agency
-- registry, so every column says what it holds. Amounts are integers:
-- yen, US cents, or hundredths of the item's own currency. Dates are
-- 'YYYY-MM-DD' text (Japan); times are unix milliseconds.

-- One report. Nothing here names the worker: free text (notes, and whom
-- each item was paid to) is sealed under the report's own data key.
CREATE TABLE fee_reports (
    id                       INTEGER PRIMARY KEY,
    reference                TEXT    NOT NULL UNIQUE,  -- 'FR-XXXX-XXXX', random
    receipt_hash             BLOB    UNIQUE,           -- Argon2id lookup hash of the receipt (as cases.receipt_hash); NULL for survey imports and the demo
    channel                  TEXT    NOT NULL,         -- 'web', 'api', 'import' (survey enumerator CSV), 'demo'
    language                 TEXT    NOT NULL,         -- BCP 47 code of the worker's language
    origin_country           TEXT    NOT NULL,         -- ISO 3166-1 alpha-2 (grievance.OriginCountries; 'ZZ' other)
    destination_country      TEXT    NOT NULL DEFAULT 'JP',
    program                  TEXT    NOT NULL,         -- grievance.Programs code
    occupation               TEXT    NOT NULL DEFAULT '', -- recruitment.Occupations code; '' not said
    sex                      TEXT    NOT NULL DEFAULT '', -- 'female', 'male', 'other'; '' not said
    contract_months          INTEGER NOT NULL,
    monthly_wage_jpy         BIGINT  NOT NULL,         -- contractual monthly wage
    first_month_earnings_jpy BIGINT,                   -- first full month in Japan, net of tax and social insurance; NULL = not known (never imputed)
    report_date              TEXT    NOT NULL,         -- the rules in force on this day were applied
    report_year              INTEGER NOT NULL,         -- year of report_date, for breakdowns
    public_programme         BOOLEAN NOT NULL DEFAULT FALSE, -- recruited through a government programme (e.g. MOLISA-IM Japan)
    agency_name              TEXT    NOT NULL DEFAULT '', -- sending agency as the worker wrote it
    agency_licence           TEXT    NOT NULL DEFAULT '', -- its licence number as written
    agency_org_id            BIGINT,                   -- the agency in the registry, once matched (no foreign key: the registry links it)
    total_cost_jpy           BIGINT  NOT NULL,         -- items not refunded, in yen: the SDG 10.7.1 numerator
    total_cost_usd_cents     BIGINT  NOT NULL,
    months_of_earnings       DOUBLE PRECISION,         -- total_cost_jpy / first_month_earnings_jpy (SDG 10.7.1 ratio); NULL when earnings unknown
    has_violation            BOOLEAN NOT NULL,         -- some finding has severity 'violation'
    has_loan                 BOOLEAN NOT NULL DEFAULT FALSE,
    debt_outstanding_jpy     BIGINT  NOT NULL DEFAULT 0, -- loan still owed, in yen
    rates_approximate        BOOLEAN NOT NULL DEFAULT FALSE, -- some exchange rate was not of the payment's own month
    case_id                  BIGINT  REFERENCES cases (id) ON DELETE SET NULL, -- the grievance made from this report
    grant_hash               BLOB    UNIQUE,           -- MAC of the one-time "make this a grievance" token
    grant_expires_at         BIGINT,
    created_at               BIGINT  NOT NULL,
    wrapped_key              BLOB    NOT NULL,         -- the report's data key, wrapped by the master key
    sealed_notes             BLOB                      -- the worker's free notes, sealed ("fee_report:<ref>:notes")
);
CREATE INDEX fee_reports_corridor ON fee_reports (origin_country, program, report_year);
CREATE INDEX fee_reports_agency ON fee_reports (agency_org_id);
CREATE INDEX fee_reports_case ON fee_reports (case_id);

-- Each cost. amount is in hundredths of currency; amount_jpy and
-- amount_usd_cents at the rate of paid_on (else the report date).
CREATE TABLE fee_items (
    id               INTEGER PRIMARY KEY,
    report_id        BIGINT  NOT NULL REFERENCES fee_reports (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    kind             TEXT    NOT NULL,  -- recruitment.ItemKinds: service_fee, brokerage, training, ...
    amount           BIGINT  NOT NULL,  -- hundredths of currency
    currency         TEXT    NOT NULL,  -- JPY, USD, VND, IDR, PHP, THB, KHR, MMK, NPR
    amount_jpy       BIGINT  NOT NULL,
    amount_usd_cents BIGINT  NOT NULL,
    jpy_per_unit     DOUBLE PRECISION NOT NULL,
    rate_source      TEXT    NOT NULL,  -- 'same' (yen), 'report' (the report's own rate), or the rate table's source code
    paid_on          TEXT    NOT NULL DEFAULT '',
    payee            TEXT    NOT NULL DEFAULT '', -- recruitment.Payees: sending_agency, broker, supervising_org, ...
    sealed_paid_to   BLOB,              -- whom it was paid to, as written, sealed ("fee_report:<ref>:item:<position>:paid_to")
    refunded         BOOLEAN NOT NULL
);
CREATE INDEX fee_items_report ON fee_items (report_id, position);
CREATE INDEX fee_items_kind ON fee_items (kind, report_id);

-- Each finding: the rule version that produced it, as it was then.
CREATE TABLE fee_findings (
    id           INTEGER PRIMARY KEY,
    report_id    BIGINT  NOT NULL REFERENCES fee_reports (id) ON DELETE CASCADE,
    rule_id      TEXT    NOT NULL,   -- id in fee_rules (and fee-rules.json)
    rule_version INTEGER NOT NULL,
    check_index  INTEGER NOT NULL,   -- which of the rule's checks
    check_kind   TEXT    NOT NULL,   -- zero, cap, inform, benchmark
    severity     TEXT    NOT NULL,   -- violation, concern, note
    rule_status  TEXT    NOT NULL,   -- the rule's status and confidence when applied
    confidence   TEXT    NOT NULL,
    item_kinds   TEXT    NOT NULL DEFAULT '', -- comma-separated kinds counted
    paid_jpy     BIGINT  NOT NULL,
    cap_jpy      BIGINT,             -- NULL for checks without a limit
    over_by_jpy  BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX fee_findings_report ON fee_findings (report_id);
CREATE INDEX fee_findings_rule ON fee_findings (rule_id, severity, report_id);

-- A loan taken to pay, in hundredths of currency and in yen at the report date.
CREATE TABLE fee_loans (
    report_id       BIGINT  PRIMARY KEY REFERENCES fee_reports (id) ON DELETE CASCADE,
    amount          BIGINT  NOT NULL,
    currency        TEXT    NOT NULL,
    amount_jpy      BIGINT  NOT NULL,
    outstanding     BIGINT  NOT NULL,
    outstanding_jpy BIGINT  NOT NULL
);

-- Fee rules, every version: fee-rules.json as bundled (version 1 of
-- each, imported at first use) and what admins add or supersede. body is
-- the rule as JSON (recruitment.Rule); effective_to and superseded_by are
-- kept here and are authoritative, since superseding closes the older
-- version's window.
CREATE TABLE fee_rules (
    id             TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    status         TEXT    NOT NULL,
    confidence     TEXT    NOT NULL,
    origin         TEXT    NOT NULL,
    programs       TEXT    NOT NULL,   -- comma-separated codes or '*'
    effective_from TEXT    NOT NULL DEFAULT '', -- '' = not known (applies to any date)
    effective_to   TEXT    NOT NULL DEFAULT '', -- '' = open
    source         TEXT    NOT NULL DEFAULT '', -- source URL
    body           TEXT    NOT NULL,
    superseded_by  INTEGER,
    created_at     BIGINT  NOT NULL,
    created_by     TEXT    NOT NULL,   -- 'bundled' or 'staff:<id>'
    PRIMARY KEY (id, version)
);

-- Exchange rates imported by admins (CSV month,currency,per_usd,source);
-- they take precedence over the bundled table.
CREATE TABLE exchange_rates (
    month      TEXT   NOT NULL,   -- YYYY-MM
    currency   TEXT   NOT NULL,
    per_usd    DOUBLE PRECISION NOT NULL,
    source     TEXT   NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (month, currency)
);
