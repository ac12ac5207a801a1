-- Notes the shop's staff leave on a complaint for each other; shoppers never see them.
CREATE TABLE complaint_notes (
    id            TEXT PRIMARY KEY,
    complaint_id  TEXT NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    author_name   TEXT,
    text          TEXT NOT NULL,
    at_ms         BIGINT NOT NULL
);
CREATE INDEX complaint_notes_by_complaint ON complaint_notes (complaint_id, at_ms);
