-- Workers for jobs and the outbox, on one process or several.
--
-- A job is decided in one transaction that also sets its done_at, so it
-- needs no lease: on PostgreSQL the row is locked (FOR UPDATE SKIP LOCKED)
-- while it is decided, on SQLite the single writer serialises. A job whose
-- transaction failed waits until retry_at before it is tried again;
-- last_error says why, without personal data.
ALTER TABLE jobs ADD COLUMN retry_at BIGINT;
ALTER TABLE jobs ADD COLUMN last_error TEXT NOT NULL DEFAULT '';

-- Sending a notification happens outside any transaction (a mail server
-- may be slow), so a row being sent is leased to one worker until
-- locked_until; a crashed worker's lease simply runs out.
ALTER TABLE outbox ADD COLUMN locked_until BIGINT;
ALTER TABLE outbox ADD COLUMN locked_by TEXT NOT NULL DEFAULT '';
