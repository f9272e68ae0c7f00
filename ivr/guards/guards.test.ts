import { describe, expect, it } from 'vitest';
import type { FlowContext } from '../flow-context.ts';
import { guardTable } from './guard-table.ts';
import type { GuardInput } from './ivr-guard.ts';
import { readingKey } from './ivr-guard.ts';

const context: FlowContext = {
  call: {
    id: 'c1',
    callerNumber: '+8613800138000',
    dialedNumber: '+15550000000',
    tags: ['VIP', 'spanish'],
  },
  vars: { tier: 'gold', balance: '120.5', empty: '' },
  digits: '42',
  lastResult: { status: 'match', digits: '42', choice: 'support' },
};

function check(name: string, params: unknown, input: Partial<GuardInput> = {}): boolean {
  const guard = guardTable.get(name);
  if (guard === undefined) throw new Error(`no guard ${name}`);
  return guard.check(guard.params.parse(params), {
    context,
    result: context.lastResult,
    now: 0,
    readings: {},
    ...input,
  });
}

const calendar = {
  timeZone: 'America/New_York',
  weekly: { mon: [['09:00', '17:00']], sat: [['10:00', '12:00']] },
  holidays: ['2025-12-25', { date: '2025-12-24', hours: [['09:00', '12:00']] }],
};

describe('withinBusinessHours', () => {
  it.each([
    ['Monday 09:00 in New York (EST)', '2025-03-03T09:00:00-05:00', true],
    ['Monday 08:59', '2025-03-03T08:59:00-05:00', false],
    ['Monday 17:00 (closing time is exclusive)', '2025-03-03T17:00:00-05:00', false],
    ['Monday 16:30 during daylight saving (EDT)', '2025-06-02T16:30:00-04:00', true],
    ['Monday 09:30 UTC, still 05:30 in New York', '2025-06-02T09:30:00Z', false],
    ['Saturday 11:00', '2025-03-08T11:00:00-05:00', true],
    ['Sunday, not listed', '2025-03-09T11:00:00-04:00', false],
    ['Christmas, a Thursday holiday', '2025-12-25T10:00:00-05:00', false],
    ['Christmas Eve morning, short day', '2025-12-24T10:00:00-05:00', true],
    ['Christmas Eve afternoon', '2025-12-24T13:00:00-05:00', false],
  ])('%s -> %s', (_label, at, open) => {
    const weekdayCalendar = {
      ...calendar,
      weekly: { ...calendar.weekly, wed: [['09:00', '17:00']], thu: [['09:00', '17:00']] },
    };
    expect(check('withinBusinessHours', weekdayCalendar, { now: Date.parse(at) })).toBe(open);
  });

  it('rejects a time zone Intl does not know and hours that close before they open', () => {
    const schema = guardTable.get('withinBusinessHours')?.params;
    expect(schema?.safeParse({ ...calendar, timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(schema?.safeParse({ ...calendar, weekly: { mon: [['17:00', '09:00']] } }).success).toBe(
      false,
    );
  });
});

describe('guards on the call and its results', () => {
  it.each([
    ['digitsEqual', { digits: '42' }, true],
    ['digitsEqual', { digits: '4' }, false],
    ['digitsMatch', { pattern: '[0-9]{2}' }, true],
    ['digitsMatch', { pattern: '[0-9]' }, false],
    ['menuChoice', { choice: 'support' }, true],
    ['menuChoice', { choice: 'sales' }, false],
    ['resultIs', { status: 'match' }, true],
    ['resultIs', { status: 'noinput' }, false],
    ['callerHasTag', { tag: 'vip' }, true],
    ['callerHasTag', { tag: 'blocked' }, false],
    ['callerMatches', { pattern: '\\+86.*' }, true],
    ['callerMatches', { pattern: '\\+1.*' }, false],
    ['variableCompare', { variable: 'tier', op: 'eq', value: 'gold' }, true],
    ['variableCompare', { variable: 'tier', op: 'ne', value: 'gold' }, false],
    ['variableCompare', { variable: 'balance', op: 'gt', value: 100 }, true],
    ['variableCompare', { variable: 'balance', op: 'le', value: 100 }, false],
    ['variableCompare', { variable: 'tier', op: 'lt', value: 3 }, false],
    ['variableCompare', { variable: 'empty', op: 'set' }, false],
    ['variableCompare', { variable: 'missing', op: 'unset' }, true],
  ])('%s %j -> %s', (name, params, expected) => {
    expect(check(name, params)).toBe(expected);
  });

  it('reads ACD readings taken before the decision', () => {
    const skills = [{ skill: 'english', minLevel: 3 }];
    const agents = readingKey({ kind: 'agentsAvailable', queueId: 'support', skills });
    const wait = readingKey({ kind: 'estimatedWait', queueId: 'support' });
    const readings = { [agents]: 2, [wait]: 400 };
    expect(
      check('agentsAvailable', { queue: 'support', skills: { english: 3 } }, { readings }),
    ).toBe(true);
    expect(
      check(
        'agentsAvailable',
        { queue: 'support', skills: { english: 3 }, atLeast: 3 },
        { readings },
      ),
    ).toBe(false);
    expect(check('estimatedWaitAbove', { queue: 'support', seconds: 300 }, { readings })).toBe(
      true,
    );
    expect(check('estimatedWaitAbove', { queue: 'support', seconds: 300 }, { readings: {} })).toBe(
      false,
    );
  });
});
