import type { AuditRepository } from '../../sql/repositories/audit-repository.ts';
import type { Principal } from '../access/principal.ts';

/** One audited fact: who did what to which thing, from where. */
export interface AuditEntry {
  /** The acting user, or a label alone for anonymous attempts (a failed login's email). */
  readonly actor: Principal | { readonly label: string };
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly sourceAddress: string | null;
  readonly details?: Record<string, unknown>;
}

/**
 * Writes audit entries. Awaited by callers: an action whose audit entry
 * cannot be written fails rather than going unrecorded.
 *
 * @example
 * await audit.record({ actor: principal, action: 'recording.access', targetType: 'recording',
 *   targetId: id, sourceAddress: req.ip ?? null });
 */
export class AuditTrail {
  constructor(private readonly repository: AuditRepository) {}

  async record(entry: AuditEntry): Promise<void> {
    const actorId = 'userId' in entry.actor ? entry.actor.userId : null;
    const details: Record<string, unknown> = { ...entry.details };
    if ('credential' in entry.actor && entry.actor.credential.kind === 'token') {
      details.tokenId = entry.actor.credential.tokenId;
    }
    await this.repository.insert({
      actor_id: actorId,
      actor_label: entry.actor.label,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      source_address: entry.sourceAddress,
      details,
    });
  }
}
