import { describe, expect, it } from 'vitest';
import type { Principal } from '../access/principal.ts';
import { contactMaskerFor } from './contact-masking.ts';
import { displayableVariables } from './flow-variables.ts';
import { callPersonalFields, maskPersonalData } from './personal-data.ts';

const agent: Principal = {
  userId: 'a',
  role: 'agent',
  label: 'a@example.test',
  credential: { kind: 'session', sessionId: 's' },
};
const masked = contactMaskerFor(agent);
const full = contactMaskerFor({ ...agent, role: 'supervisor' });

describe('displayableVariables', () => {
  it.each([
    { case: 'no screenPop: nothing', vars: { account: '12345678', tier: 'gold' }, shown: {} },
    {
      case: 'listed only',
      vars: { screenPop: 'tier', tier: 'gold', account: '12345678' },
      shown: { tier: 'gold' },
    },
    {
      case: 'spaces and unknown names',
      vars: { screenPop: ' tier , nope,', tier: 'gold' },
      shown: { tier: 'gold' },
    },
    {
      case: 'the list itself is not shown',
      vars: { screenPop: 'screenPop,tier', tier: 'gold' },
      shown: { tier: 'gold' },
    },
    {
      case: 'card numbers redacted even when listed',
      vars: { screenPop: 'note', note: 'card 4111 1111 1111 1111' },
      shown: { note: 'card [card redacted]' },
    },
    { case: 'a screenPop that is not text', vars: { screenPop: 7, tier: 'gold' }, shown: {} },
    {
      case: 'inherited names are not variables',
      vars: { screenPop: 'constructor,toString' },
      shown: {},
    },
  ])('$case', ({ vars, shown }) => {
    expect(displayableVariables(vars)).toEqual(shown);
  });
});

describe('maskPersonalData', () => {
  it.each([
    {
      case: "a transfer's target number, nested",
      value: { target: { kind: 'number', number: '+15551230000' } },
      expected: { target: { kind: 'number', number: '+1••••••0000' } },
    },
    {
      case: 'numbers and emails in lists',
      value: { items: [{ phone: '+15551230000', email: 'jane@example.org' }] },
      expected: { items: [{ phone: '+1••••••0000', email: 'j•••@example.org' }] },
    },
    {
      case: 'flow variables as an object',
      value: { attributes: { screenPop: 'tier', tier: 'gold', account: 'ACCT-1' } },
      expected: { attributes: { tier: 'gold' } },
    },
    {
      case: 'flow variables as JSON text (stream fields)',
      value: { attributes: '{"screenPop":"tier","tier":"gold","account":"ACCT-1"}' },
      expected: { attributes: '{"tier":"gold"}' },
    },
    {
      case: 'flow variables that are not an object',
      value: { vars: 'ACCT-1' },
      expected: { vars: '' },
    },
    {
      case: 'a number field of another shape',
      value: { callerNumber: 15551230000 },
      expected: { callerNumber: '•••' },
    },
    {
      case: "from and to are not numbers outside a call's timeline",
      value: { role: { from: 'admin', to: 'agent' } },
      expected: { role: { from: 'admin', to: 'agent' } },
    },
  ])('$case', ({ value, expected }) => {
    expect(maskPersonalData(value, masked)).toEqual(expected);
    expect(maskPersonalData(value, full)).toBe(value);
  });

  it("masks from and to on a call's timeline", () => {
    expect(
      maskPersonalData({ from: '+15551230000', to: '+15559990000' }, masked, callPersonalFields),
    ).toEqual({ from: '+1••••••0000', to: '+1••••••0000' });
  });
});
