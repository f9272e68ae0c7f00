import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/logger.ts';
import { isAcdEventType, parseAcdEvent, type AcdEvent } from '../acd-event.ts';

export interface AcdEventFeedOptions {
  /** A connection of its own: the feed blocks on it. Closed by {@link AcdEventFeed.close}. */
  readonly redis: Redis;
  readonly streamKey: string;
  readonly logger: Logger;
  /** How long one blocking read waits before looping. Default 1000 ms. */
  readonly blockMs?: number;
}

/**
 * Follows the routing event stream from the moment it starts and hands each
 * event to the subscribers. Survives dropped connections: read errors are
 * logged and the read resumes after the last delivered entry.
 */
export class AcdEventFeed {
  private readonly listeners = new Set<(event: AcdEvent) => void>();
  private running = false;
  private loop: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  private lastId = '$';

  constructor(private readonly options: AcdEventFeedOptions) {}

  /** Resolves once events after this moment are sure to be delivered. */
  ready(): Promise<void> {
    this.started ??= this.begin();
    return this.started;
  }

  subscribe(listener: (event: AcdEvent) => void): () => void {
    this.listeners.add(listener);
    void this.ready();
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.running = false;
    this.options.redis.disconnect();
    await this.loop;
  }

  private async begin(): Promise<void> {
    this.running = true;
    try {
      const last = await this.options.redis.xrevrange(this.options.streamKey, '+', '-', 'COUNT', 1);
      this.lastId = last[0]?.[0] ?? '0-0';
    } catch (error) {
      this.options.logger.warn({ err: error }, 'routing event feed could not find the stream end');
    }
    this.loop = this.read();
  }

  private async read(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const reply = await this.options.redis.xread(
          'COUNT',
          500,
          'BLOCK',
          this.options.blockMs ?? 1000,
          'STREAMS',
          this.options.streamKey,
          this.lastId,
        );
        failures = 0;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            this.deliver(id, fields);
          }
        }
      } catch (error) {
        if (!this.running) return;
        failures += 1;
        this.options.logger.warn({ err: error, failures }, 'routing event feed read failed');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** failures)));
      }
    }
  }

  private deliver(id: string, fields: string[]): void {
    // The stream is shared: the voice layer appends call and supervision
    // events beside routing's. Those are not ours to parse, nor malformed.
    const typeAt = fields.indexOf('type');
    const type = typeAt >= 0 && typeAt % 2 === 0 ? fields[typeAt + 1] : undefined;
    if (type !== undefined && !isAcdEventType(type)) return;
    let event: AcdEvent;
    try {
      event = parseAcdEvent(id, fields);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'skipping a malformed routing event');
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.error({ err: error }, 'routing event listener threw');
      }
    }
  }
}
