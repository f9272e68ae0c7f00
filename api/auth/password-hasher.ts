import { hash, verify } from '@node-rs/argon2';

/**
 * Hashes and checks login passwords.
 *
 * @example
 * const stored = await hasher.hash('correct horse');
 * await hasher.verify(stored, 'correct horse'); // true
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed stored hash; never throws for those. */
  verify(storedHash: string, password: string): Promise<boolean>;
}

/** argon2id with the library's defaults (OWASP's 19 MiB, 2 passes). */
export const argon2PasswordHasher: PasswordHasher = Object.freeze({
  hash: (password: string) => hash(password),
  verify: async (storedHash: string, password: string) => {
    try {
      return await verify(storedHash, password);
    } catch {
      return false;
    }
  },
});
