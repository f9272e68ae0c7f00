import type { Redis } from 'ioredis';

/**
 * A credential that ended or changed: one session (log-out), one token
 * (revoked), or every credential of a user (disabled, role or team changed,
 * password set).
 */
export type CredentialChange =
  | { readonly kind: 'session'; readonly id: string }
  | { readonly kind: 'token'; readonly id: string }
  | { readonly kind: 'user'; readonly id: string };

/** The stream entry type; its topic, `credential`, is not one clients may subscribe to. */
export const credentialChangedType = 'credential.changed';

const kinds = new Set<string>(['session', 'token', 'user']);

/**
 * Tells every API instance's live event server that a credential changed,
 * so it re-checks the sockets opened with it at once (closing those whose
 * credential ended, re-scoping those whose access changed).
 *
 * The notice is an entry of the live event stream itself: every instance
 * already follows that stream, in order, and a stream (unlike pub/sub)
 * loses nothing while an instance reconnects to Redis. Entries are appended
 * without MAXLEN: routing trims the stream to its own configured length.
 *
 * @example
 * await notices.announce({ kind: 'token', id: tokenId });
 */
export class CredentialNotices {
  constructor(
    private readonly redis: Redis,
    private readonly streamKey: string,
  ) {}

  async announce(change: CredentialChange): Promise<void> {
    await this.redis.xadd(
      this.streamKey,
      '*',
      'type',
      credentialChangedType,
      'kind',
      change.kind,
      'id',
      change.id,
    );
  }
}

/** The change a stream entry announces, or undefined when it is not a well-formed notice. */
export function credentialChangeOf(entry: {
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
}): CredentialChange | undefined {
  const { kind, id } = entry.data;
  if (entry.type !== credentialChangedType || kind === undefined || !kinds.has(kind)) {
    return undefined;
  }
  if (id === undefined || id === '') return undefined;
  return { kind: kind as CredentialChange['kind'], id };
}
