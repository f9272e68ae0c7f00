import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/logger.ts';
import { toLiveEvent, type LiveEvent } from './live-event.ts';

/**
 * Follows one Redis Stream with `XREAD BLOCK` on a connection of its own and
 * hands each batch to `onEvents`, in stream order. Starts at the stream's end;
 * after a read error it resumes after the last delivered entry, so a Redis
 * blip loses nothing.
 */
export class EventStreamReader {
  private running = false;
  private loop: Promise<void> | undefined;
  private lastId = '$';

  constructor(
    private readonly options: {
      /** Dedicated connection: a blocked XREAD holds it. Disconnected by {@link stop}. */
      readonly redis: Redis;
      readonly streamKey: string;
      readonly logger: Logger;
      readonly onEvents: (events: readonly LiveEvent[]) => void;
      readonly blockMs?: number;
    },
  ) {}

  /** Resolves once every entry appended after this call will be delivered. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const last = await this.options.redis.xrevrange(this.options.streamKey, '+', '-', 'COUNT', 1);
    this.lastId = last[0]?.[0] ?? '0-0';
    this.loop = this.read();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.options.redis.disconnect();
    await this.loop;
  }

  private async read(): Promise<void> {
    const { redis, streamKey, logger } = this.options;
    while (this.running) {
      try {
        const reply = await redis.xread(
          'COUNT',
          1000,
          'BLOCK',
          this.options.blockMs ?? 1000,
          'STREAMS',
          streamKey,
          this.lastId,
        );
        for (const [, entries] of reply ?? []) {
          const events = entries.map(([id, fields]) => toLiveEvent(id, fields));
          const last = events[events.length - 1];
          if (last !== undefined) this.lastId = last.id;
          this.options.onEvents(events);
        }
      } catch (error) {
        if (!this.running) return;
        logger.warn({ err: error }, 'live event stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
