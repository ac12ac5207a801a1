-- Console sessions: the cookie's token is stored only as a hash; the CSRF token the console
-- sends back on every change; an absolute end (signing out deletes the row).
CREATE TABLE staff_sessions (
    token_hash     TEXT PRIMARY KEY,
    staff_id       TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf_token     TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL
);
CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at_ms);
