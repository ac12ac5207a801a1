-- Structured details of a complaint event, so the widget can word them in the shopper's
-- language: how a complaint was resolved, and how many points were credited.
ALTER TABLE complaint_events ADD COLUMN resolution TEXT;
ALTER TABLE complaint_events ADD COLUMN points BIGINT;
