const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a voice contact's id names a `calls` row: the voice path enqueues
 * callers under their call id (a UUID). Contacts enqueued otherwise (tests,
 * tools) have no row for offers and legs to be written against; writing them
 * would only be refused by Postgres.
 */
export function isCallId(contactId: string): boolean {
  return uuidPattern.test(contactId);
}
