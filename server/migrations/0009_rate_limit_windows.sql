-- Attempt counters shared by every server process on one PostgreSQL database, so a limit
-- holds in total however many processes serve. One fixed window per key: `hits` attempts
-- until `expires_at_ms`; the SLA clock deletes expired rows. (SQLite deployments are one
-- process and count in a bounded in-memory cache instead; the table stays empty there.)
CREATE TABLE rate_limit_windows (
    limit_key      TEXT PRIMARY KEY,
    expires_at_ms  BIGINT NOT NULL,
    hits           BIGINT NOT NULL
);
CREATE INDEX rate_limit_windows_by_expiry ON rate_limit_windows (expires_at_ms);
