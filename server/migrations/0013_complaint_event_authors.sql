-- The member of staff who acted, by the name shoppers see (replies and actions made in the
-- console); empty for the shop's backend, the shopper and the SLA clock.
ALTER TABLE complaint_events ADD COLUMN actor_name TEXT;
