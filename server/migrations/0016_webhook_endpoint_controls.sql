-- Endpoints can be switched off without losing them (their pending deliveries wait), and
-- subscribe to chosen events: a comma-separated list of event types.
ALTER TABLE webhook_endpoints ADD COLUMN enabled BIGINT NOT NULL DEFAULT 1;
ALTER TABLE webhook_endpoints ADD COLUMN events TEXT NOT NULL DEFAULT 'complaint.created,complaint.escalated,complaint.resolved';
