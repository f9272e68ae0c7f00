import type { AcdCommands } from '../acd-commands.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { parseDeadline, type Deadline } from './deadline.ts';

/**
 * Fires routing deadlines: each kind runs its own script, and every script
 * checks that the deadline still stands, so firing twice (scheduler and
 * sweep, or two processes) is harmless.
 */
export class DeadlineRunner {
  constructor(private readonly commands: AcdCommands) {}

  async fire(deadline: Deadline): Promise<void> {
    const { keys } = this.commands;
    switch (deadline.kind) {
      case 'ring':
        await this.commands.run('ring-timeout', [keys.offer(deadline.id)], [deadline.id]);
        return;
      case 'maxwait':
        await this.commands.run(
          'max-wait',
          [keys.contact(deadline.id)],
          [deadline.id, deadline.dueAt],
        );
        return;
      case 'wrap':
        await this.commands.run(
          'end-wrap-up',
          [keys.agent(deadline.id)],
          [deadline.id, 'timer', deadline.dueAt],
        );
        return;
      case 'backoff':
        await this.commands.run(
          'end-backoff',
          [keys.agent(deadline.id)],
          [deadline.id, deadline.dueAt],
        );
        return;
    }
  }

  /**
   * Fires every deadline due at or before `upTo` (default: now on the
   * routing clock). Tests drive simulated time with this; the reconciler
   * uses it to catch deadlines whose scheduled job never ran.
   *
   * @returns how many deadlines were fired
   */
  async fireDue(upTo: number = this.commands.clock.now()): Promise<number> {
    const fired = new Set<string>();
    for (;;) {
      const flat = await storeCall('reading due deadlines', () =>
        this.commands.redis.zrangebyscore(
          this.commands.keys.deadlines(),
          '-inf',
          upTo,
          'WITHSCORES',
          'LIMIT',
          0,
          200,
        ),
      );
      let progressed = false;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const member = flat[i] as string;
        const dueAt = Number(flat[i + 1]);
        const key = `${member}@${dueAt}`;
        if (fired.has(key)) continue;
        fired.add(key);
        progressed = true;
        const deadline = parseDeadline(member, dueAt);
        if (deadline) await this.fire(deadline);
        else {
          await storeCall('dropping an unreadable deadline', () =>
            this.commands.redis.zrem(this.commands.keys.deadlines(), member),
          );
        }
      }
      if (!progressed) return fired.size;
    }
  }
}

/**
 * A lost Redis connection surfaces as the same `unavailable` error the
 * scripts raise (acd-commands.ts), never as a raw client error.
 */
async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new SwitchboardError('unavailable', `routing store failed ${what}: ${String(error)}`);
  }
}
