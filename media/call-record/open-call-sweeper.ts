import type { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Database } from '../../sql/database.ts';

export interface OpenCallSweeperOptions {
  readonly db: Kysely<Database>;
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** This process, as it names itself on the call rows it writes (`calls.instance_id`). */
  readonly instanceId: string;
  readonly clock: CallClock;
  readonly logger: Logger;
  /** Time between sweeps. Default 60 s. */
  readonly sweepIntervalMs?: number;
  /** How long this process's heartbeat lives unless renewed (renewed at a third of it). Default 30 s. */
  readonly heartbeatTtlMs?: number;
}

/**
 * Rows written before calls named their process (`instance_id` null) are
 * closed once older than this: longer than any call may last (the flow
 * runtime's maximum duration is 2 h).
 */
export const unownedCallMaxAgeMs = 3 * 3_600_000;

/**
 * Closes the call rows of Switchboard processes that died. A process that
 * crashed, or was killed, writes no `ended_at` for the calls it held, so they
 * would count as live forever (and a restart did not close them). Each voice
 * process keeps a heartbeat key in Redis and names itself on its calls; at
 * start and every minute, open calls whose process has no heartbeat left
 * are closed with `hangup_cause = 'instanceLost'`, a disposition from how far
 * they got, and a `call.ended` event, once (the event id is the call's).
 * Several instances may sweep at once: the update only takes rows still open.
 *
 * @example
 * const sweeper = new OpenCallSweeper({ db, redis, keyPrefix, instanceId, clock, logger });
 * sweeper.start(); ...; await sweeper.stop();
 */
export class OpenCallSweeper {
  private readonly timers = new Set<unknown>();
  private stopped = false;

  constructor(private readonly options: OpenCallSweeperOptions) {}

  /** Beats now and sweeps now, then keeps both going until {@link stop}. */
  start(): void {
    const ttl = this.options.heartbeatTtlMs ?? 30_000;
    const beat = () => {
      if (this.stopped) return;
      void this.beat(ttl).finally(() => this.schedule(beat, ttl / 3));
    };
    const sweep = () => {
      if (this.stopped) return;
      void this.sweepOnce()
        .catch((error: unknown) =>
          this.options.logger.warn({ err: error }, 'open-call sweep failed'),
        )
        .finally(() => this.schedule(sweep, this.options.sweepIntervalMs ?? 60_000));
    };
    beat();
    sweep();
  }

  /** Stops beating and sweeping, and removes the heartbeat: this process holds no call any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) this.options.clock.clearTimeout(timer);
    this.timers.clear();
    await this.options.redis.del(this.heartbeatKey(this.options.instanceId)).catch(() => 0);
  }

  /** Closes the open calls of processes without a heartbeat; resolves with how many. */
  async sweepOnce(): Promise<number> {
    const { db, instanceId, clock } = this.options;
    const owners = await db
      .selectFrom('calls')
      .select('instance_id')
      .distinct()
      .where('ended_at', 'is', null)
      .where('instance_id', 'is not', null)
      .where('instance_id', '!=', instanceId)
      .execute();
    const others = owners.map((row) => row.instance_id).filter((id): id is string => id !== null);
    const dead = await this.withoutHeartbeat(others);
    const now = new Date(clock.now());
    const unownedBefore = new Date(clock.now() - unownedCallMaxAgeMs);
    const closed = await db
      .updateTable('calls')
      .set({
        ended_at: sql<Date>`greatest(started_at, ${now}::timestamptz)`,
        hangup_cause: 'instanceLost',
        disposition: sql`CASE WHEN bridged_at IS NOT NULL THEN 'completed'
          WHEN enqueued_at IS NOT NULL THEN 'abandoned'
          WHEN answered_at IS NOT NULL THEN 'self-service' ELSE 'failed' END`,
      })
      .where('ended_at', 'is', null)
      .where((eb) =>
        eb.or([
          ...(dead.length > 0 ? [eb('instance_id', 'in', dead)] : []),
          eb.and([eb('instance_id', 'is', null), eb('started_at', '<', unownedBefore)]),
        ]),
      )
      .returning(['id', 'instance_id'])
      .execute();
    if (closed.length === 0) return 0;
    await db
      .insertInto('call_events')
      .values(
        closed.map((row) => ({
          event_id: `${row.id}:instance-lost`,
          call_id: row.id,
          type: 'call.ended',
          occurred_at: now,
          payload: JSON.stringify({ reason: 'instanceLost', instanceId: row.instance_id }),
        })),
      )
      .onConflict((conflict) => conflict.column('event_id').doNothing())
      .execute();
    this.options.logger.warn(
      { closed: closed.length, instances: dead },
      'closed calls left open by a Switchboard process that stopped',
    );
    return closed.length;
  }

  private async beat(ttlMs: number): Promise<void> {
    const key = this.heartbeatKey(this.options.instanceId);
    await this.options.redis
      .set(key, String(this.options.clock.now()), 'PX', ttlMs)
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'heartbeat not written'));
  }

  private async withoutHeartbeat(instanceIds: readonly string[]): Promise<string[]> {
    if (instanceIds.length === 0) return [];
    const pipeline = this.options.redis.pipeline();
    for (const id of instanceIds) pipeline.exists(this.heartbeatKey(id));
    const results = (await pipeline.exec()) ?? [];
    return instanceIds.filter((_, index) => results[index]?.[1] === 0);
  }

  private schedule(run: () => void, delayMs: number): void {
    if (this.stopped) return;
    const timer = this.options.clock.setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    this.timers.add(timer);
  }

  private heartbeatKey(instanceId: string): string {
    return `${this.options.keyPrefix}voice:instances:${instanceId}`;
  }
}
