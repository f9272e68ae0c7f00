import { SwitchboardError } from '../../platform/switchboard-error.ts';

/**
 * Opaque keyset cursor over calls ordered newest first: the (started_at, id)
 * of the last call on a page. Stable while new calls arrive, unlike offsets.
 */
export function encodeCallCursor(startedAt: Date, id: string): string {
  return Buffer.from(`${startedAt.toISOString()}|${id}`).toString('base64url');
}

export function decodeCallCursor(cursor: string): { startedAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const startedAt = new Date(iso ?? '');
  if (id === undefined || Number.isNaN(startedAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new SwitchboardError('validation_failed', 'query.cursor: not a cursor from this API', {
      fields: [{ field: 'query.cursor', message: 'not a cursor from this API' }],
    });
  }
  return { startedAt, id };
}
