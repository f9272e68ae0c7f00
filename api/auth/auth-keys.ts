import { createHash } from 'node:crypto';

/**
 * Every Redis key the API owns, built here. Emails and addresses are hashed
 * into keys so no personal data sits in key names.
 */
export interface AuthKeys {
  /** Counter of recent failed logins for one account or source address. */
  loginFailures(kind: 'account' | 'address', value: string): string;
  /** Present while logins for that account or address are locked out. */
  loginLock(kind: 'account' | 'address', value: string): string;
  /** Audit entries of one kind about one subject (address or user) written in one minute. */
  auditWindow(kind: string, subject: string, minute: number): string;
  /** Audit entries of one kind about one subject left unwritten since the last one written. */
  auditSuppressed(kind: string, subject: string): string;
}

export function createAuthKeys(keyPrefix: string): AuthKeys {
  const id = (value: string) =>
    createHash('sha256').update(value.toLowerCase()).digest('hex').slice(0, 32);
  const keys: AuthKeys = {
    loginFailures: (kind, value) => `${keyPrefix}api:login:failures:${kind}:${id(value)}`,
    loginLock: (kind, value) => `${keyPrefix}api:login:lock:${kind}:${id(value)}`,
    auditWindow: (kind, subject, minute) =>
      `${keyPrefix}api:audit-budget:${kind}:${id(subject)}:${minute}`,
    auditSuppressed: (kind, subject) => `${keyPrefix}api:audit-suppressed:${kind}:${id(subject)}`,
  };
  return Object.freeze(keys);
}
