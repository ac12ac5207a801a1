-- A claimed delivery carries its claim's token: the process that sent it records the outcome
-- only while the claim is still its own. Endpoints count failures in a row; past a threshold
-- their circuit opens and nothing is sent to them until `paused_until_ms`.
ALTER TABLE webhook_deliveries ADD COLUMN claim_token TEXT;
ALTER TABLE webhook_endpoints ADD COLUMN consecutive_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN paused_until_ms BIGINT NOT NULL DEFAULT 0;
-- "The oldest due delivery of each endpoint", the sender's fair pick.
CREATE INDEX webhook_deliveries_due_by_endpoint ON webhook_deliveries (endpoint_id, next_attempt_at_ms, id) WHERE delivered_at_ms IS NULL;
