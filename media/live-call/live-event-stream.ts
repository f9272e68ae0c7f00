import type { Redis } from 'ioredis';

/**
 * Appends one entry to the Redis stream the live event server follows: an
 * `id` (idempotency: the same change told twice has the same id), a dotted
 * `type` whose first word is the topic, the time, and the entry's own fields
 * (an `agentId` routes it to that agent's desktop). Fields left undefined
 * are not written. The stream is capped near `maxLength` entries.
 *
 * @example
 * await appendLiveEvent(redis, streamKey, { id, type: 'call.connected', at, fields: { callId, agentId } });
 */
export async function appendLiveEvent(
  redis: Redis,
  streamKey: string,
  entry: {
    readonly id: string;
    readonly type: string;
    readonly at: number;
    readonly fields: Readonly<Record<string, string | undefined>>;
  },
  maxLength = 1_000_000,
): Promise<void> {
  const fields = Object.entries(entry.fields).flatMap(([name, value]) =>
    value === undefined ? [] : [name, value],
  );
  await redis.xadd(
    streamKey,
    'MAXLEN',
    '~',
    maxLength,
    '*',
    'id',
    entry.id,
    'type',
    entry.type,
    'at',
    String(entry.at),
    ...fields,
  );
}
