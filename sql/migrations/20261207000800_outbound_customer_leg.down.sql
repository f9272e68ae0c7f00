DELETE FROM call_legs WHERE role = 'outbound-customer';
ALTER TABLE call_legs DROP CONSTRAINT call_legs_role_check;
ALTER TABLE call_legs ADD CONSTRAINT call_legs_role_check CHECK (role IN ('caller', 'agent',
  'supervisor', 'transfer', 'callback-customer'));
