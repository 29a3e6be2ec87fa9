-- The inbox sorts by the nearest deadline, (deadline_at, id), and pages by
-- keyset. With a filter on one column, an index led by that column and
-- followed by the sort keys gives the page in order without a sort, so the
-- first page, a filtered page and a deep page cost the same at a million
-- cases (internal/store/inbox_bench_test.go).
CREATE INDEX cases_status_due ON cases (status, deadline_at, id);
CREATE INDEX cases_risk_due ON cases (risk, deadline_at, id);
CREATE INDEX cases_language_due ON cases (language, deadline_at, id);
CREATE INDEX cases_origin_due ON cases (origin_country, deadline_at, id);
CREATE INDEX cases_program_due ON cases (program, deadline_at, id);

-- The effectiveness report finds the cases of a period, and reads the rows
-- that hang off them in case order, and the referrals of a period, from
-- covering indexes (no lookup into the table per row).
CREATE INDEX cases_created ON cases (created_at);
CREATE INDEX referrals_case_org ON referrals (case_id, status, org_id);
CREATE INDEX remedies_case_type ON remedies (case_id, status, type);
CREATE INDEX referrals_sent ON referrals (sent_at, org_id, acknowledge_by, acknowledged_at, overdue);
