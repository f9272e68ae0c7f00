import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { CallDisposition } from '../tables/call-tables.ts';
import { ownedBy, type OwnerFilter } from './owner-filter.ts';

export interface CallFilter {
  readonly owner: OwnerFilter;
  readonly from?: Date;
  readonly to?: Date;
  readonly queueId?: string;
  readonly agentId?: string;
  readonly disposition?: CallDisposition;
  /** Keyset cursor: calls strictly older than this (started_at, id) pair. */
  readonly after?: { readonly startedAt: Date; readonly id: string };
  readonly limit: number;
}

/** Call records, legs, events and recordings. */
export class CallRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(filter: CallFilter) {
    let query = this.db
      .selectFrom('calls')
      .selectAll()
      .where((eb) => ownedBy(eb, filter.owner, 'calls.agent_id', 'calls.queue_id'));
    if (filter.from !== undefined) query = query.where('started_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('started_at', '<', filter.to);
    if (filter.queueId !== undefined) query = query.where('queue_id', '=', filter.queueId);
    if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId);
    if (filter.disposition !== undefined)
      query = query.where('disposition', '=', filter.disposition);
    const after = filter.after;
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('started_at', '<', after.startedAt),
          eb.and([eb('started_at', '=', after.startedAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }

  /**
   * The calls `agentId` handled (the agent on the call), newest first, with
   * the queue's names and the first recording's id: the agent's own history.
   */
  handledBy(
    agentId: string,
    page: { readonly after?: { readonly startedAt: Date; readonly id: string }; limit: number },
  ) {
    let query = this.db
      .selectFrom('calls')
      .leftJoin('queues', 'queues.id', 'calls.queue_id')
      .selectAll('calls')
      .select(['queues.name as queue_name', 'queues.display_name as queue_display_name'])
      .select((eb) =>
        eb
          .selectFrom('recordings')
          .select('recordings.id')
          .whereRef('recordings.call_id', '=', 'calls.id')
          .orderBy('recordings.started_at')
          .limit(1)
          .as('recording_id'),
      )
      .where('calls.agent_id', '=', agentId);
    const after = page.after;
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('calls.started_at', '<', after.startedAt),
          eb.and([eb('calls.started_at', '=', after.startedAt), eb('calls.id', '<', after.id)]),
        ]),
      );
    }
    return query
      .orderBy('calls.started_at', 'desc')
      .orderBy('calls.id', 'desc')
      .limit(page.limit)
      .execute();
  }

  findById(id: string) {
    return this.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
  }

  legs(callId: string) {
    return this.db
      .selectFrom('call_legs')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('started_at')
      .execute();
  }

  events(callId: string) {
    return this.db
      .selectFrom('call_events')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('occurred_at')
      .orderBy('event_id')
      .execute();
  }

  recordings(callId: string) {
    return this.db
      .selectFrom('recordings')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('started_at')
      .execute();
  }

  findRecording(id: string) {
    return this.db
      .selectFrom('recordings')
      .innerJoin('calls', 'calls.id', 'recordings.call_id')
      .selectAll('recordings')
      .select(['calls.agent_id', 'calls.queue_id'])
      .where('recordings.id', '=', id)
      .executeTakeFirst();
  }

  /**
   * Stores the agent's wrap-up code and notes (those given) on the call they
   * handled; false when the call is not theirs.
   */
  async setWrapUp(
    callId: string,
    agentId: string,
    wrapUp: { readonly code?: string | undefined; readonly notes?: string | null | undefined },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('calls')
      .set({ wrap_up_code: wrapUp.code, wrap_up_notes: wrapUp.notes })
      .where('id', '=', callId)
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  forContact(contactId: string, limit: number) {
    return this.db
      .selectFrom('calls')
      .selectAll()
      .where('contact_id', '=', contactId)
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
  }
}
