-- Complaints. The row holds the current state (level, deadline) so that escalation can be a
-- single conditional UPDATE that only one of several server processes wins; every change is
-- also an append-only event (who, when, why).
CREATE TABLE complaints (
    id                  TEXT PRIMARY KEY,
    merchant_id         TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    ticket              TEXT NOT NULL,
    order_id            TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    shopper_tier        TEXT,
    category            TEXT NOT NULL,
    description         TEXT NOT NULL,
    desired_resolution  TEXT NOT NULL,
    contact_preference  TEXT NOT NULL,
    items_json          TEXT NOT NULL,
    status              TEXT NOT NULL,
    level               TEXT NOT NULL,
    priority            TEXT NOT NULL,
    due_at_ms           BIGINT,
    created_at_ms       BIGINT NOT NULL,
    updated_at_ms       BIGINT NOT NULL,
    UNIQUE (merchant_id, ticket)
);
CREATE INDEX complaints_open_by_due ON complaints (due_at_ms) WHERE status = 'open';
CREATE INDEX complaints_by_order ON complaints (order_id, created_at_ms);

CREATE TABLE complaint_events (
    complaint_id  TEXT NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    seq           BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    actor         TEXT NOT NULL,
    level_from    TEXT,
    level_to      TEXT,
    reason        TEXT,
    at_ms         BIGINT NOT NULL,
    PRIMARY KEY (complaint_id, seq)
);

-- Exactly-once creation: the key is claimed in the same transaction that creates the
-- complaint, and the answer is kept so a retry gets the same answer.
CREATE TABLE idempotency_keys (
    merchant_id    TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    idem_key       TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    response_json  TEXT,
    created_at_ms  BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, idem_key)
);
