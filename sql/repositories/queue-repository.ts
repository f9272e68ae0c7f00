import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../database.ts';
import type { QueuesTable } from '../tables/routing-tables.ts';

export type QueueRow = Selectable<QueuesTable>;

/** Queues with their members and default skills. */
export class QueueRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findById(id: string): Promise<QueueRow | undefined> {
    return this.db.selectFrom('queues').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(ids?: readonly string[]): Promise<QueueRow[]> {
    let query = this.db.selectFrom('queues').selectAll().orderBy('name');
    if (ids !== undefined) {
      if (ids.length === 0) return Promise.resolve([]);
      query = query.where('id', 'in', ids);
    }
    return query.execute();
  }

  insert(row: Insertable<QueuesTable>): Promise<QueueRow> {
    return this.db.insertInto('queues').values(row).returningAll().executeTakeFirstOrThrow();
  }

  update(id: string, changes: Updateable<QueuesTable>): Promise<QueueRow | undefined> {
    return this.db
      .updateTable('queues')
      .set({ ...changes, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  members(queueId: string) {
    return this.db
      .selectFrom('queue_members')
      .select(['user_id as userId', 'position'])
      .where('queue_id', '=', queueId)
      .orderBy('position')
      .execute();
  }

  skills(queueId: string) {
    return this.db
      .selectFrom('queue_skills')
      .innerJoin('skills', 'skills.id', 'queue_skills.skill_id')
      .select(['skills.id as skillId', 'skills.name', 'queue_skills.min_level as minLevel'])
      .where('queue_skills.queue_id', '=', queueId)
      .execute();
  }

  async replaceMembers(
    queueId: string,
    members: readonly { userId: string; position: number }[],
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('queue_members').where('queue_id', '=', queueId).execute();
      if (members.length > 0) {
        await tx
          .insertInto('queue_members')
          .values(
            members.map((m) => ({ queue_id: queueId, user_id: m.userId, position: m.position })),
          )
          .execute();
      }
    });
  }
}
