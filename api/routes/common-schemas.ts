import { z } from 'zod';

/** A path or body id: every Switchboard object id is a UUID. */
export const uuid = z.uuid({ error: 'must be a UUID' });

/**
 * A whole number given as text (a path segment, a query value), from `min`
 * to `max`. Plain decimal digits only: `0x10`, `1e3`, ` 1` and full-width
 * digits are refused rather than read as some other number.
 *
 * @example
 * wholeNumber(1, 2_147_483_647).parse('42'); // 42
 */
export function wholeNumber(min: number, max: number) {
  const range = `must be a whole number from ${min} to ${max}`;
  return z
    .string({ error: range })
    .regex(/^\d{1,16}$/, `${range}, in plain digits`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, range);
}

/** `?limit=`: page size, 1-200, default 50. */
export const limit = wholeNumber(1, 200).default(50);

/** Postgres int4, the type of counters such as flow versions. */
export const int4Max = 2_147_483_647;

/** Postgres bigint, the type of the audit log's ids. */
const int8Max = 2n ** 63n - 1n;

/** A bigint id as text (the audit log's `before` cursor): digits, within Postgres's bigint. */
export const bigintId = z
  .string({ error: 'must be an entry id' })
  .regex(/^\d{1,19}$/, 'must be an entry id (plain digits)')
  // Zod runs refinements after a failed check too: only digits reach BigInt.
  .refine(
    (id) => !/^\d{1,19}$/.test(id) || BigInt(id) <= int8Max,
    'must be an entry id (at most 9223372036854775807)',
  );

/**
 * An ISO 8601 time with its offset, on a real calendar day, in years 1 to
 * 9999: what Postgres stores and JavaScript prints back as given. Zod's
 * format alone lets year 0000 through, which Postgres refuses.
 */
export const isoDateTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with an offset' })
  .refine((text) => {
    const year = new Date(text).getUTCFullYear();
    // Not a time at all: the format check above has said so already.
    return Number.isNaN(year) || (year >= 1 && year <= 9999);
  }, 'must be an ISO 8601 time in the years 1 to 9999');

export const emptyBody = z.object({}).strict();

/** Timestamps leave as ISO strings in JSON; documented as such. */
export const timestamp = z.string().describe('ISO 8601 time');

/** A time for JSON: Dates as `toISOString` writes them; text from SQL already is. */
export function isoTime(value: Date | string): string {
  return typeof value === 'string' ? value : value.toISOString();
}
