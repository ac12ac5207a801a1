-- One CSAT answer per subject: the unique key makes repeated and concurrent answers update
-- the one row instead of adding rows. Category and level are copied from a complaint when it
-- is rated, so the merchant's figures need no joins; `answered_day` is the first answer's UTC date.
CREATE TABLE csat_answers (
    id                  TEXT PRIMARY KEY,
    merchant_id         TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    subject_key         TEXT NOT NULL,
    subject             TEXT NOT NULL,
    shopper_email       TEXT,
    complaint_category  TEXT,
    complaint_level     TEXT,
    score               BIGINT NOT NULL,
    comment             TEXT,
    source              TEXT NOT NULL,
    answered_day        TEXT NOT NULL,
    created_at_ms       BIGINT NOT NULL,
    updated_at_ms       BIGINT NOT NULL,
    UNIQUE (merchant_id, subject_key)
);
CREATE INDEX csat_answers_by_day ON csat_answers (merchant_id, answered_day);
