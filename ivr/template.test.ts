import { describe, expect, it } from 'vitest';
import type { FlowContext } from './flow-context.ts';
import { interpolate, unknownReferences } from './template.ts';

const context: FlowContext = {
  call: { id: 'c1', callerNumber: '+1 555', dialedNumber: '+1800', tags: [] },
  vars: { account: 'A&B', balance: 12.5 },
  digits: '42',
  lastResult: null,
};

describe('interpolate', () => {
  it('fills call, vars and digits, encoding each value', () => {
    expect(
      interpolate(
        '/a?p={{call.callerNumber}}&acc={{ vars.account }}&d={{digits}}',
        context,
        encodeURIComponent,
      ),
    ).toBe('/a?p=%2B1%20555&acc=A%26B&d=42');
  });

  it('leaves unset variables empty', () => {
    expect(interpolate('[{{vars.missing}}] {{vars.balance}}', context)).toBe('[] 12.5');
  });

  it('names placeholders that refer to nothing', () => {
    expect(
      unknownReferences('{{call.callerNumber}} {{env.SECRET}} {{vars.x}} {{call.tags}}'),
    ).toEqual(['env.SECRET', 'call.tags']);
  });
});
