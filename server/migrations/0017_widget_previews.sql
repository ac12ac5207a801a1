-- Unsaved widget settings shown by the console's live preview: the configuration the widget
-- would get, kept for a short while under a random token (in the database, so any node of
-- the service can answer the preview's calls).
CREATE TABLE widget_previews (
    token          TEXT PRIMARY KEY,
    merchant_id    TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    body_json      TEXT NOT NULL,
    expires_at_ms  BIGINT NOT NULL
);
CREATE INDEX widget_previews_by_expiry ON widget_previews (expires_at_ms);
