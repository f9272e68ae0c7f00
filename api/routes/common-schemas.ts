import { z } from 'zod';

/** A path or body id: every Switchboard object id is a UUID. */
export const uuid = z.uuid({ message: 'must be a UUID' });

/** `?limit=`: page size, 1-200, default 50. */
export const limit = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(200, 'must be at most 200')
  .default(50);

export const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time' });

export const emptyBody = z.object({}).strict();

/** Timestamps leave as ISO strings in JSON; documented as such. */
export const timestamp = z.string().describe('ISO 8601 time');

/** A time for JSON: Dates as `toISOString` writes them; text from SQL already is. */
export function isoTime(value: Date | string): string {
  return typeof value === 'string' ? value : value.toISOString();
}
