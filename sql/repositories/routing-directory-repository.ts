import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Queues and agents as routing needs them, read from Postgres (the source of truth). */
export class RoutingDirectoryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  queues() {
    return this.db
      .selectFrom('queues as q')
      .leftJoin('queues as overflow', 'overflow.id', 'q.overflow_queue_id')
      .select([
        'q.name',
        'q.strategy',
        'q.ring_timeout_seconds',
        'q.max_wait_seconds',
        'overflow.name as overflow_name',
        'q.wrap_up_seconds',
        'q.service_level_seconds',
        'q.max_missed_offers',
      ])
      .orderBy('q.name')
      .execute();
  }

  /** Every enabled user who serves at least one queue, with skills and memberships. */
  async agents() {
    const members = await this.db
      .selectFrom('queue_members')
      .innerJoin('queues', 'queues.id', 'queue_members.queue_id')
      .innerJoin('users', 'users.id', 'queue_members.user_id')
      .select([
        'users.id as user_id',
        'users.voice_capacity',
        'users.chat_capacity',
        'users.email_capacity',
        'users.disabled_at',
        'queues.name as queue_name',
        'queue_members.position',
      ])
      .execute();
    const skills = await this.db
      .selectFrom('user_skills')
      .innerJoin('skills', 'skills.id', 'user_skills.skill_id')
      .select(['user_skills.user_id', 'skills.name', 'user_skills.level'])
      .execute();
    return { members, skills };
  }
}
