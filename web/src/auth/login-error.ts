import type { TFunction } from 'i18next';
import { ApiError } from '../api/api-client.ts';

/** What a failed log-in says: the lockout with its wait, wrong credentials, or the network. */
export function loginErrorText(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      return t('login.lockedOut', { minutes: Math.ceil((error.retryAfterSeconds ?? 900) / 60) });
    }
    if (error.status === 401 || error.status === 400) return t('login.failed');
    return t('errors.generic', { message: error.message });
  }
  return t('errors.network');
}
