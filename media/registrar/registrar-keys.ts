/**
 * Every Redis key the registrar uses, built in one place. All sit under the
 * deployment's key prefix so several deployments or test runs share a Redis.
 */
export interface RegistrarKeys {
  /** Hash of one user's bindings: contact URI to JSON binding. */
  bindings(userId: string): string;
  /** Counter of failed authentications from one source address. */
  failures(sourceAddress: string): string;
  /** Sorted set of the bindings registered from one source address (`userId contact`, by expiry). */
  source(sourceAddress: string): string;
}

export function registrarKeys(prefix: string): RegistrarKeys {
  return {
    bindings: (userId) => `${prefix}registrar:bindings:${userId}`,
    failures: (sourceAddress) => `${prefix}registrar:failures:${sourceAddress}`,
    source: (sourceAddress) => `${prefix}registrar:source:${sourceAddress}`,
  };
}
