import { z } from 'zod';
import type { IvrGuard, QueueReading } from './ivr-guard.ts';
import { readingKey } from './ivr-guard.ts';

const agentsAvailableParams = z.strictObject({
  queue: z.string().min(1),
  skills: z.record(z.string().min(1), z.number().int().min(1).max(10)).default({}),
  atLeast: z.number().int().min(1).default(1),
});

function reading(params: z.output<typeof agentsAvailableParams>): QueueReading {
  return {
    kind: 'agentsAvailable',
    queueId: params.queue,
    skills: Object.entries(params.skills).map(([skill, minLevel]) => ({ skill, minLevel })),
  };
}

/** True when at least `atLeast` agents holding `skills` are available in `queue` right now. */
export const agentsAvailable: IvrGuard<typeof agentsAvailableParams> = {
  name: 'agentsAvailable',
  params: agentsAvailableParams,
  readings: (params) => [reading(params)],
  check: (params, { readings }) => (readings[readingKey(reading(params))] ?? 0) >= params.atLeast,
};
