import { createHash, randomBytes } from 'node:crypto';

/**
 * A bearer secret: `<kind>_<43 url-safe chars>` (256 bits). Only its SHA-256
 * is stored, so a leaked table grants nothing; no salt is needed because the
 * secret itself is random, and a fast hash keeps every request cheap.
 */
export function newSecretToken(kind: 'sbs' | 'sbt'): string {
  return `${kind}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
