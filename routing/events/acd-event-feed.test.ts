// Real Redis (own key prefix): the feed shares its stream with the voice layer.
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { createTestRedis } from '../../test/test-redis.ts';
import type { AcdEvent } from '../acd-event.ts';
import { AcdEventFeed } from './acd-event-feed.ts';

const testRedis = createTestRedis();
afterAll(async () => {
  await testRedis.cleanup();
});

describe('AcdEventFeed on a shared stream', () => {
  it("passes routing's events on and quietly leaves the voice layer's alone", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const streamKey = `${testRedis.keyPrefix}events`;
    const feed = new AcdEventFeed({
      redis: testRedis.connect(),
      streamKey,
      logger: createLogger({ level: 'debug' }, sink),
    });
    const seen: AcdEvent[] = [];
    feed.subscribe((event) => seen.push(event));
    await feed.ready();
    const writer = testRedis.connect();
    await writer.xadd(
      streamKey,
      '*',
      'id',
      'sup-1',
      'type',
      'supervision.joined',
      'at',
      '1',
      'agentId',
      'alice',
    );
    await writer.xadd(
      streamKey,
      '*',
      'id',
      'e-1',
      'type',
      'contact.enqueued',
      'at',
      '2',
      'contactId',
      'c1',
      'queueId',
      'support',
    );
    await writer.xadd(streamKey, '*', 'id', 'bad-1', 'at', '3');
    for (let i = 0; i < 100 && seen.length === 0; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await feed.close();
    expect(seen.map((e) => e.type)).toEqual(['contact.enqueued']);
    const warnings = lines.filter((line) => line.includes('malformed'));
    // Only the entry with no type at all is malformed; the supervision event is not.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not an ACD event');
  });
});
