import { SwitchboardError } from '../../platform/switchboard-error.ts';

/**
 * Opaque keyset cursor over calls ordered newest first: the (started_at, id)
 * of the last call on a page. Stable while new calls arrive, unlike offsets.
 */
export function encodeCallCursor(startedAt: Date, id: string): string {
  return Buffer.from(`${startedAt.toISOString()}|${id}`).toString('base64url');
}

export function decodeCallCursor(cursor: string): { startedAt: Date; id: string } {
  const [iso, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  const startedAt = new Date(iso ?? '');
  // Exactly what encodeCallCursor writes: a time Postgres can hold and a UUID,
  // so a forged cursor is refused here, by name, not by Postgres.
  const wellFormed =
    rest.length === 0 &&
    iso !== undefined &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(iso) &&
    !Number.isNaN(startedAt.getTime()) &&
    startedAt.toISOString() === iso &&
    startedAt.getUTCFullYear() >= 1 &&
    id !== undefined &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
  if (!wellFormed) {
    throw new SwitchboardError('validation_failed', 'query.cursor: not a cursor from this API', {
      fields: [{ field: 'query.cursor', message: 'not a cursor from this API' }],
    });
  }
  return { startedAt, id };
}
