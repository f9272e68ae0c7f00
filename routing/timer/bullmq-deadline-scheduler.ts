import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Deadline, DeadlineScheduler } from './deadline.ts';

export interface BullMqDeadlineSchedulerOptions {
  /** Needs `maxRetriesPerRequest: null`; the worker duplicates it for its blocking reads. */
  readonly connection: Redis;
  /** The routing key prefix: BullMQ keys go under `<keyPrefix>bull:`. */
  readonly keyPrefix: string;
  /** Must be the system clock in production: BullMQ delays run on real time. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Deadlines fired in parallel by one process. Default 16. */
  readonly concurrency?: number;
}

const queueName = 'acd-deadlines';

/**
 * Fires routing deadlines as BullMQ delayed jobs, so a ring timeout or
 * wrap-up end runs at its due time in whichever process has a worker.
 *
 * @example
 * const scheduler = new BullMqDeadlineScheduler({ connection, keyPrefix: 'sb:', clock, logger });
 * scheduler.start((deadline) => runner.fire(deadline));
 * // ... on shutdown
 * await scheduler.close();
 */
export class BullMqDeadlineScheduler implements DeadlineScheduler {
  private readonly queue: Queue<Deadline>;
  private worker: Worker<Deadline> | undefined;

  constructor(private readonly options: BullMqDeadlineSchedulerOptions) {
    this.queue = new Queue<Deadline>(queueName, {
      connection: options.connection,
      prefix: `${options.keyPrefix}bull`,
    });
    this.queue.on('error', (error) => {
      options.logger.warn({ err: error }, 'routing deadline queue error');
    });
  }

  async schedule(deadlines: readonly Deadline[]): Promise<void> {
    const now = this.options.clock.now();
    await this.queue.addBulk(
      deadlines.map((deadline) => ({
        name: deadline.kind,
        data: deadline,
        opts: {
          // One job per deadline instance; BullMQ forbids ':' in ids. A
          // collision only merges two timers, and the sweep fires the other.
          jobId: `${deadline.kind}-${deadline.id}-${deadline.dueAt}`.replaceAll(':', '_'),
          delay: Math.max(0, deadline.dueAt - now),
          attempts: 5,
          backoff: { type: 'exponential', delay: 200 },
          removeOnComplete: true,
          removeOnFail: 1_000,
        },
      })),
    );
  }

  /** Starts firing due deadlines in this process. */
  start(fire: (deadline: Deadline) => Promise<void>): void {
    if (this.worker) return;
    this.worker = new Worker<Deadline>(queueName, (job) => fire(job.data), {
      connection: this.options.connection,
      prefix: `${this.options.keyPrefix}bull`,
      concurrency: this.options.concurrency ?? 16,
    });
    this.worker.on('error', (error) => {
      this.options.logger.warn({ err: error }, 'routing deadline worker error');
    });
    this.worker.on('failed', (job, error) => {
      this.options.logger.warn({ err: error, deadline: job?.data }, 'routing deadline failed');
    });
  }

  /** Stops the worker (finishing jobs in hand) and the queue. */
  async close(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    await this.queue.close();
  }
}
