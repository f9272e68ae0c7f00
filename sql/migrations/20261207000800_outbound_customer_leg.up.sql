-- Click-to-dial (POST /agent/calls): the customer an agent dials is the
-- call's own leg, as the customer of a callback is; it gets its own role so
-- reports can tell an agent's outbound call from a callback the customer
-- asked for.
ALTER TABLE call_legs DROP CONSTRAINT call_legs_role_check;
ALTER TABLE call_legs ADD CONSTRAINT call_legs_role_check CHECK (role IN ('caller', 'agent',
  'supervisor', 'transfer', 'callback-customer', 'outbound-customer'));
