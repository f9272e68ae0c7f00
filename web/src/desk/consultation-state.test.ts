import { describe, expect, it } from 'vitest';
import {
  consultationFromEvent,
  nextConsultations,
  type Consultations,
} from './consultation-state.ts';

const none: Consultations = new Map();
const callId = 'c1';

describe('consultation state', () => {
  it('keeps the name and the typed number when the event masks it', () => {
    const asked = nextConsultations(
      none,
      {
        callId,
        phase: 'ringing',
        targetKind: 'number',
        number: '+15550001111',
        targetName: '+15550001111',
      },
      'answer',
    );
    const told = consultationFromEvent('consultation.connected', {
      callId,
      agentId: 'a',
      targetKind: 'number',
      number: '+1••••••1111',
    })!;
    const after = nextConsultations(asked, told, 'event').get(callId);
    expect(after).toMatchObject({
      phase: 'connected',
      number: '+15550001111',
      targetName: '+15550001111',
    });
  });

  it('never moves a consultation under way back to ringing on a late answer', () => {
    const connected = nextConsultations(
      none,
      { callId, phase: 'connected', targetKind: 'agent', targetAgentId: 'sam' },
      'event',
    );
    const late = nextConsultations(
      connected,
      {
        callId,
        phase: 'ringing',
        targetKind: 'agent',
        targetAgentId: 'sam',
        targetName: 'Sam Lee',
      },
      'answer',
    );
    expect(late.get(callId)?.phase).toBe('connected');
  });

  it('reads a cancellation with its reason, and ignores what is not a step', () => {
    expect(
      consultationFromEvent('consultation.cancelled', {
        callId,
        targetKind: 'agent',
        targetAgentId: 'sam',
        reason: 'no-answer',
      }),
    ).toEqual({
      callId,
      phase: 'cancelled',
      targetKind: 'agent',
      targetAgentId: 'sam',
      reason: 'no-answer',
    });
    expect(consultationFromEvent('consultation.other', { callId })).toBeUndefined();
  });
});
