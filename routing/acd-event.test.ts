import { describe, expect, it } from 'vitest';
import { parseAcdEvent } from './acd-event.ts';

describe('parseAcdEvent', () => {
  it('types numbers and flags and drops empty fields', () => {
    const event = parseAcdEvent('1-0', [
      'id',
      'op.e1',
      'type',
      'contact.offered',
      'at',
      '1000',
      'contactId',
      'c1',
      'waitMs',
      '250',
      'callback',
      '1',
      'callbackNumber',
      '',
      'priority',
      '2',
    ]);
    expect(event).toEqual({
      streamId: '1-0',
      id: 'op.e1',
      type: 'contact.offered',
      at: 1000,
      contactId: 'c1',
      waitMs: 250,
      callback: true,
      priority: 2,
    });
  });

  it('refuses entries that are not ACD events', () => {
    expect(() => parseAcdEvent('1-0', ['type', 'other'])).toThrow(/not an ACD event/);
  });
});
