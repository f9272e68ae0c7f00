import type { Kysely } from 'kysely';
import type { Logger } from '../platform/logger.ts';
import type { RoutingAdmin } from '../routing/admin/routing-admin.ts';
import type { Database } from '../sql/database.ts';
import { RoutingDirectoryRepository } from '../sql/repositories/routing-directory-repository.ts';

/**
 * Postgres is the source of truth for queues, skills and memberships (admins
 * edit them through the API); routing reads its own copy in Redis. This pushes
 * Postgres into routing at start-up, after every API write that can change it,
 * and on a slow timer as a safety net. Routing names queues by their name (as
 * flows do) and agents by their user id.
 */
export class RoutingDirectorySync {
  private readonly directory: RoutingDirectoryRepository;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  /** Agents configured by the last run, so one removed from every queue is withdrawn. */
  private configured = new Set<string>();

  constructor(
    db: Kysely<Database>,
    private readonly admin: RoutingAdmin,
    private readonly logger: Logger,
  ) {
    this.directory = new RoutingDirectoryRepository(db);
  }

  /** Copies everything now; concurrent requests coalesce into one follow-up run. */
  syncNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.copy();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** For API write hooks: never throws, logs instead. */
  requestSync(): void {
    this.syncNow().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'routing sync failed'),
    );
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.requestSync(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async copy(): Promise<void> {
    const queues = await this.directory.queues();
    // Overflow targets first, so a queue never points at one routing lacks.
    const ordered = [...queues].sort(
      (a, b) => Number(a.overflow_name !== null) - Number(b.overflow_name !== null),
    );
    for (const q of ordered) {
      await this.admin.configureQueue({
        queueId: q.name,
        strategy: q.strategy,
        ringTimeoutSeconds: q.ring_timeout_seconds,
        maxWaitSeconds: q.max_wait_seconds,
        ...(q.overflow_name !== null ? { overflowQueueId: q.overflow_name } : {}),
        wrapUpSeconds: q.wrap_up_seconds,
        serviceLevelSeconds: q.service_level_seconds,
        maxConsecutiveMisses: q.max_missed_offers,
      });
    }
    const { members, skills } = await this.directory.agents();
    const agents = new Map<
      string,
      {
        capacity: { voice: number; chat: number; email: number };
        queues: { queueId: string; position: number }[];
        enabled: boolean;
      }
    >();
    for (const m of members) {
      const agent = agents.get(m.user_id) ?? {
        capacity: { voice: m.voice_capacity, chat: m.chat_capacity, email: m.email_capacity },
        queues: [],
        enabled: m.disabled_at === null,
      };
      agent.queues.push({ queueId: m.queue_name, position: m.position });
      agents.set(m.user_id, agent);
    }
    for (const [agentId, agent] of agents) {
      const agentSkills = Object.fromEntries(
        skills.filter((s) => s.user_id === agentId).map((s) => [s.name, s.level]),
      );
      await this.admin.configureAgent({
        agentId,
        skills: agentSkills,
        // A disabled user keeps a profile but serves no queue, so nothing is offered to them.
        queues: agent.enabled ? agent.queues : [],
        capacity: agent.capacity,
      });
    }
    for (const agentId of this.configured) {
      if (!agents.has(agentId)) {
        await this.admin.configureAgent({ agentId, skills: {}, queues: [] });
      }
    }
    this.configured = new Set(agents.keys());
    this.logger.debug({ queues: queues.length, agents: agents.size }, 'routing directory synced');
  }
}
