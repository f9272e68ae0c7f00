import { describe, expect, it } from 'vitest';
import type { AcdEvent } from '../acd-event.ts';
import { auditRouting } from './routing-audit.ts';

let n = 0;
function event(type: AcdEvent['type'], fields: Partial<AcdEvent> = {}): AcdEvent {
  n += 1;
  return {
    id: `e${n}`,
    streamId: `${n}-0`,
    type,
    at: n,
    channel: 'voice',
    queueId: 'q',
    ...fields,
  };
}

const context = {
  agentSkills: new Map([
    ['ann', { en: 5 }],
    ['ben', { en: 2 }],
  ]),
  agingStepMs: new Map([['q', 60_000]]),
};

describe('auditRouting', () => {
  it('finds nothing wrong in a clean history', () => {
    const audit = auditRouting(
      [
        event('contact.enqueued', { contactId: 'c1', priority: 3, requiredSkills: 'en:3' }),
        event('contact.offered', { contactId: 'c1', agentId: 'ann', offerId: 'o1' }),
        event('offer.rejected', { contactId: 'c1', agentId: 'ann', offerId: 'o1' }),
        event('contact.offered', { contactId: 'c1', agentId: 'ann', offerId: 'o2' }),
        event('contact.accepted', { contactId: 'c1', agentId: 'ann', offerId: 'o2' }),
        event('contact.completed', { contactId: 'c1', agentId: 'ann' }),
      ],
      context,
    );
    expect(audit).toMatchObject({
      doubleAssignments: 0,
      doubleOffers: 0,
      voiceOverloads: 0,
      lostContacts: 0,
      skillMismatches: 0,
      orderViolations: 0,
    });
  });

  it('counts each kind of violation', () => {
    const audit = auditRouting(
      [
        event('contact.enqueued', { contactId: 'first', priority: 3 }),
        event('contact.enqueued', { contactId: 'second', priority: 3 }),
        event('contact.enqueued', { contactId: 'picky', priority: 3, requiredSkills: 'en:4' }),
        event('contact.offered', { contactId: 'second', agentId: 'ann', offerId: 'o1' }),
        event('contact.offered', { contactId: 'second', agentId: 'ben', offerId: 'o2' }),
        event('contact.offered', { contactId: 'picky', agentId: 'ben', offerId: 'o3' }),
        event('contact.accepted', { contactId: 'second', agentId: 'ann', offerId: 'o1' }),
        event('contact.accepted', { contactId: 'second', agentId: 'ben', offerId: 'o2' }),
        event('contact.offered', { contactId: 'first', agentId: 'ann', offerId: 'o4' }),
      ],
      context,
    );
    expect(audit).toMatchObject({
      doubleAssignments: 1,
      doubleOffers: 1,
      voiceOverloads: 2,
      lostContacts: 2,
      skillMismatches: 1,
      orderViolations: 1,
    });
  });
});
