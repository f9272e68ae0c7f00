import { describe, expect, it } from 'vitest';
import { dispositionFor, dispositionForRefusal, type CallEnding } from './call-disposition.ts';

const base: CallEnding = { cause: 'normal', bridged: false, enqueued: false };

describe('dispositionFor', () => {
  it.each<[string, Partial<CallEnding>, string]>([
    [
      'talked to an agent, caller hung up',
      { cause: 'callerHungUp', bridged: true, enqueued: true },
      'completed',
    ],
    ['hung up while waiting in queue', { cause: 'callerHungUp', enqueued: true }, 'abandoned'],
    ['hung up in the IVR, never queued', { cause: 'callerHungUp' }, 'self-service'],
    ['flow hung up normally, never queued', {}, 'self-service'],
    ['left a voicemail', { cause: 'callerHungUp', leftVoicemail: true }, 'voicemail'],
    [
      'asked for a callback',
      { cause: 'normal', enqueued: true, requestedCallback: true },
      'callback-requested',
    ],
    ['transferred', { cause: 'transferred', bridged: true }, 'transferred'],
    ['maximum duration', { cause: 'maxDurationReached', enqueued: true }, 'timed-out'],
    ['flow failed', { cause: 'flowError' }, 'failed'],
    ['busy', { cause: 'busy' }, 'busy'],
    ['no answer', { cause: 'noAnswer' }, 'no-answer'],
    ['rejected', { cause: 'rejected' }, 'rejected'],
  ])('%s', (_label, ending, disposition) => {
    expect(dispositionFor({ ...base, ...ending })).toBe(disposition);
  });
});

describe('dispositionForRefusal', () => {
  it.each([
    [404, 'rejected'],
    [480, 'no-answer'],
    [487, 'abandoned'],
    [488, 'rejected'],
    [486, 'busy'],
    [503, 'failed'],
    [500, 'failed'],
  ])('%i is %s', (status, disposition) => {
    expect(dispositionForRefusal(status)).toBe(disposition);
  });
});
