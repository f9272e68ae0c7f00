import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { keepAnAdminConstraint } from '../../sql/repositories/user-repository.ts';

/**
 * The database refuses a change that would leave the organisation without
 * an active admin (whatever path made it, concurrent ones included); this
 * turns that refusal into the API's 409 saying what to do, and leaves
 * every other error as it was.
 *
 * @example
 * await users.update(id, { role: 'agent' }).catch((error: unknown) => { throw lastAdminRefusal(error); });
 */
export function lastAdminRefusal(error: unknown): unknown {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  if (constraint !== keepAnAdminConstraint) return error;
  return new SwitchboardError(
    'conflict',
    'This is the last active admin: demoting or disabling them would leave no one able to ' +
      'administer Switchboard. Make another user an admin first.',
    { constraint },
  );
}
