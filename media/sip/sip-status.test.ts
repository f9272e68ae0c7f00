import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { callRefused, sipFailureFor } from './sip-status.ts';

describe('sipFailureFor', () => {
  it.each([
    [callRefused('unknown-number', 'x'), 404, {}],
    [callRefused('no-published-flow', 'x'), 480, {}],
    [callRefused('no-answer', 'x'), 480, {}],
    [callRefused('overloaded', 'x', { retryAfterSeconds: 2.2 }), 503, { 'Retry-After': '3' }],
    [callRefused('media-unavailable', 'x'), 503, { 'Retry-After': '5' }],
    [callRefused('incompatible-media', 'x'), 488, {}],
    [callRefused('throttled', 'x'), 403, {}],
    [new SwitchboardError('validation_failed', 'x'), 400, {}],
    [new SwitchboardError('unauthenticated', 'x'), 401, {}],
    [new SwitchboardError('internal', 'x'), 500, {}],
    [new Error('not ours'), 500, {}],
  ])('maps %o to %i', (error, status, headers) => {
    const failure = sipFailureFor(error);
    expect(failure.status).toBe(status);
    expect(failure.headers).toEqual(headers);
    expect(failure.reason).not.toBe('');
  });
});
