import { z } from 'zod';
import type { IvrGuard, QueueReading } from './ivr-guard.ts';
import { readingKey } from './ivr-guard.ts';

const estimatedWaitAboveParams = z.strictObject({
  queue: z.string().min(1),
  seconds: z.number().min(0),
});

const reading = (queueId: string): QueueReading => ({ kind: 'estimatedWait', queueId });

/**
 * True when a caller joining `queue` now would wait more than `seconds`.
 * False when the ACD cannot be read, so flows fall through to their default.
 */
export const estimatedWaitAbove: IvrGuard<typeof estimatedWaitAboveParams> = {
  name: 'estimatedWaitAbove',
  params: estimatedWaitAboveParams,
  readings: (params) => [reading(params.queue)],
  check: (params, { readings }) => {
    const wait = readings[readingKey(reading(params.queue))];
    return wait !== undefined && wait > params.seconds;
  },
};
