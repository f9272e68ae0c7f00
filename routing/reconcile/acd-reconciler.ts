import type { Logger } from '../../platform/logger.ts';
import type { AcdCommands } from '../acd-commands.ts';
import type { DeadlineRunner } from '../timer/deadline-runner.ts';

export interface AcdReconcilerOptions {
  readonly commands: AcdCommands;
  readonly deadlines: DeadlineRunner;
  readonly logger: Logger;
  /** Pause between passes. Default 30 s. */
  readonly intervalMs?: number;
  /** A deadline this late is treated as missed by the scheduler. Default 5 s. */
  readonly graceMs?: number;
}

export interface ReconcileReport {
  readonly deadlinesFired: number;
  readonly agentsChecked: number;
  readonly contactsChecked: number;
  readonly repairs: number;
}

/**
 * Repairs routing state after crashes, lost timers or manual edits: fires
 * overdue deadlines, frees agents reserved without a live offer, requeues
 * ringing contacts whose offers vanished. Every repair is one atomic script,
 * so it is safe beside live traffic and in several processes at once.
 *
 * @example
 * const reconciler = new AcdReconciler({ commands, deadlines, logger });
 * await reconciler.runOnce(); // at start-up
 * reconciler.start();         // then every intervalMs
 * await reconciler.stop();
 */
export class AcdReconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(private readonly options: AcdReconcilerOptions) {}

  async runOnce(): Promise<ReconcileReport> {
    const { commands } = this.options;
    const deadlinesFired = await this.options.deadlines.fireDue(
      commands.clock.now() - (this.options.graceMs ?? 5_000),
    );
    let repairs = 0;
    let agentsChecked = 0;
    for await (const agents of commands.redis.sscanStream(commands.keys.agents(), { count: 200 })) {
      for (const agentId of agents as string[]) {
        agentsChecked += 1;
        const reply = await commands.run<{ repairs: number }>(
          'reconcile-agent',
          [commands.keys.agent(agentId)],
          [agentId],
        );
        repairs += reply.repairs;
      }
    }
    let contactsChecked = 0;
    for (const queueId of await commands.redis.smembers(commands.keys.queues())) {
      const stream = commands.redis.zscanStream(commands.keys.queueLine(queueId), { count: 500 });
      for await (const flat of stream) {
        const tickets = (flat as string[]).filter((_, i) => i % 2 === 0);
        const contactIds = tickets.map((ticket) => ticket.slice(12));
        const pipeline = commands.redis.pipeline();
        for (const id of contactIds) pipeline.hget(commands.keys.contact(id), 'state');
        const states = (await pipeline.exec()) ?? [];
        for (const [i, ticket] of tickets.entries()) {
          const state = states[i]?.[1];
          if (state === 'waiting') continue;
          contactsChecked += 1;
          const contactId = ticket.slice(12);
          const reply = await commands.run<{ repairs: number }>(
            'reconcile-contact',
            [commands.keys.contact(contactId)],
            [contactId, queueId, ticket],
          );
          repairs += reply.repairs;
        }
      }
    }
    if (repairs > 0 || deadlinesFired > 0) {
      this.options.logger.info({ repairs, deadlinesFired }, 'routing reconciled');
    }
    return { deadlinesFired, agentsChecked, contactsChecked, repairs };
  }

  /** Runs a pass every `intervalMs` until {@link stop}; errors are logged, not thrown. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => {
          this.options.logger.warn({ err: error }, 'routing reconcile pass failed');
        })
        .finally(() => this.schedule());
    }, this.options.intervalMs ?? 30_000);
    this.timer.unref();
  }
}
