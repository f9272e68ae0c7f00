import { describe, expect, it } from 'vitest';
import { liveTopics } from './live-event.ts';
import { parseUpgradeQuery } from './upgrade-query.ts';

const parse = (query: string) => parseUpgradeQuery(new URLSearchParams(query));

describe('parseUpgradeQuery', () => {
  it.each([
    { query: '', topics: [...liveTopics], lastEventId: null },
    { query: 'topics=offer, agent,offer', topics: ['offer', 'agent'], lastEventId: null },
    {
      query: 'lastEventId=1700000000000-0',
      topics: [...liveTopics],
      lastEventId: '1700000000000-0',
    },
    {
      query: 'lastEventId=18446744073709551615-18446744073709551615',
      topics: [...liveTopics],
      lastEventId: '18446744073709551615-18446744073709551615',
    },
  ])('accepts ?$query', ({ query, topics, lastEventId }) => {
    expect(parse(query)).toEqual({ topics: new Set(topics), lastEventId });
  });

  it.each([
    {
      query: 'topics=credential',
      field: 'query.topics',
      message: /has unknown credential; use agent, contact/,
    },
    { query: 'topics=offer,nope', field: 'query.topics', message: /has unknown nope/ },
    { query: 'topics=,', field: 'query.topics', message: /names no topic/ },
    {
      query: 'lastEventId=18446744073709551616-0',
      field: 'query.lastEventId',
      message: /event id/,
    },
    {
      query: 'lastEventId=1-99999999999999999999',
      field: 'query.lastEventId',
      message: /event id/,
    },
    { query: 'lastEventId=-1', field: 'query.lastEventId', message: /event id/ },
    { query: 'lastEventId=', field: 'query.lastEventId', message: /event id/ },
    { query: 'lastEventId=NaN-0', field: 'query.lastEventId', message: /event id/ },
  ])('refuses ?$query naming $field', ({ query, field, message }) => {
    const problem = parse(query);
    expect(problem).toMatchObject({ field });
    expect((problem as { message: string }).message).toMatch(message);
  });
});
