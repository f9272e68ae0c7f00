import type { Redis } from 'ioredis';
import { appendLiveEvent } from '../live-call/live-event-stream.ts';
import type { AuditRepository } from '../../sql/repositories/audit-repository.ts';
import type { SupervisionMode } from './supervision-mode.ts';

/** One supervision change: a supervisor joined, changed mode, or left a call. */
export interface SupervisionChange {
  readonly type: 'supervision.joined' | 'supervision.mode-changed' | 'supervision.left';
  readonly callId: string;
  readonly agentId: string;
  readonly supervisorId: string;
  /** The supervisor's display name, for the agent's "Monitored by" banner. */
  readonly supervisorName: string;
  readonly mode: SupervisionMode;
  /**
   * Who made the change: `api` (the supervisor's screen, through the HTTP
   * API), `phone` (a key on their phone, or hanging it up), `system` (the
   * call ended, or Switchboard shut down).
   */
  readonly via: 'api' | 'phone' | 'system';
  /** Where the supervisor's phone registered from (the answering device), when known. */
  readonly sourceAddress: string | null;
  readonly at: number;
}

/** Where supervision changes are told: the audit log and the live event stream. */
export interface SupervisionNotice {
  /** Never rejects: a failure to tell is logged, the call goes on. */
  tell(change: SupervisionChange): Promise<void>;
}

/**
 * Writes one audit entry per supervisor action the HTTP API did not see: a
 * mode changed by a key on the supervisor's phone, or the supervisor hanging
 * up (actor: the supervisor, target: the call, source address: the phone's).
 * Actions requested through the API are audited once, by the API route
 * (`POST /calls/:callId/supervision`, with the request's address); changes
 * Switchboard makes itself (the call ended) are not supervisor actions. The
 * event stream still carries every change.
 */
export function auditLogNotice(audit: Pick<AuditRepository, 'insert'>) {
  return async (change: SupervisionChange) => {
    if (change.via !== 'phone') return;
    await audit.insert({
      actor_id: change.supervisorId,
      actor_label: `supervisor ${change.supervisorId}`,
      action: change.type,
      target_type: 'call',
      target_id: change.callId,
      source_address: change.sourceAddress,
      details: {
        agentId: change.agentId,
        mode: change.mode,
        via: change.via,
        at: new Date(change.at).toISOString(),
      },
    });
  };
}

/**
 * Appends each change to a Redis stream the live event server follows
 * (topic `supervision`, with `agentId` so the agent's desktop receives it).
 */
export function eventStreamNotice(redis: Redis, streamKey: string, maxLength = 1_000_000) {
  return async (change: SupervisionChange) => {
    await appendLiveEvent(
      redis,
      streamKey,
      {
        id: `${change.type}:${change.callId}:${change.supervisorId}:${change.at}`,
        type: change.type,
        at: change.at,
        fields: {
          callId: change.callId,
          agentId: change.agentId,
          supervisorId: change.supervisorId,
          supervisorName: change.supervisorName,
          mode: change.mode,
          via: change.via,
        },
      },
      maxLength,
    );
  };
}

/** Tells every target in turn; a failing one is logged and the others still run. */
export function supervisionNotice(
  targets: readonly ((change: SupervisionChange) => Promise<void>)[],
  logger: { warn(details: object, message: string): void },
): SupervisionNotice {
  return {
    async tell(change) {
      const results = await Promise.allSettled(targets.map((target) => target(change)));
      for (const result of results) {
        if (result.status === 'rejected') {
          logger.warn({ err: result.reason as unknown, change }, 'supervision change not recorded');
        }
      }
    },
  };
}
