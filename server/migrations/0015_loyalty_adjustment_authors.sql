-- The member of staff who adjusted a shopper's points, by the name shoppers see; empty for
-- the shop's backend and for credits the server makes itself.
ALTER TABLE loyalty_ledger ADD COLUMN actor_name TEXT;
