import { z } from 'zod';
import type { UserRow } from '../../sql/repositories/user-repository.ts';
import type { UserLanguage } from '../../sql/tables/people-tables.ts';

/** The languages the web app is translated into (web/ i18n). */
export const userLanguages: readonly UserLanguage[] = ['en', 'zh-CN'];

/**
 * The IANA zones this runtime knows, plus `UTC` (which `supportedValuesOf`
 * leaves out): a zone the server cannot format dates in is refused rather
 * than stored and shown wrong later.
 */
const timeZones: ReadonlySet<string> = new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);

const timeZone = z
  .string()
  .max(64)
  .refine((zone) => timeZones.has(zone), 'must be an IANA time zone such as Asia/Shanghai or UTC');

/** What the desktop remembers for a user wherever they log in. */
export const userPreferences = z.object({
  language: z
    .enum(userLanguages as [UserLanguage, ...UserLanguage[]])
    .nullable()
    .describe("null: not chosen; the desktop follows the browser's language"),
  timeZone: timeZone
    .nullable()
    .describe("null: not chosen; the desktop follows the browser's zone"),
  autoAccept: z.boolean().describe('Accept offers without a click'),
});
export type UserPreferences = z.infer<typeof userPreferences>;

/** A partial update: only the fields given change; an unknown field is refused, not ignored. */
export const userPreferencesChange = userPreferences.partial().strict();

export function toUserPreferences(user: UserRow): UserPreferences {
  return { language: user.language, timeZone: user.time_zone, autoAccept: user.auto_accept };
}
