import { z } from 'zod';
import type { IvrGuard } from './ivr-guard.ts';

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like 09:00 (24:00 for midnight)');
const hours = z
  .array(
    z.tuple([clockTime, clockTime]).refine(([open, close]) => open < close, {
      message: 'opening time must be before closing time',
    }),
  )
  .default([]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2025-12-25');

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as America/New_York' },
);

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const withinBusinessHoursParams = z.strictObject({
  timeZone,
  /** Opening hours per weekday as [open, close] pairs in local time; days left out are closed. */
  weekly: z.strictObject(
    Object.fromEntries(weekdays.map((day) => [day, hours])) as Record<
      (typeof weekdays)[number],
      typeof hours
    >,
  ),
  /** Closed all day, or open only `hours` that day (a short day before a holiday). */
  holidays: z.array(z.union([isoDate, z.strictObject({ date: isoDate, hours })])).default([]),
});

type Local = { date: string; weekday: (typeof weekdays)[number]; time: string };

function localTime(now: number, zone: string): Local {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(now))
      .map((part) => [part.type, part.value]),
  );
  const weekday = String(parts['weekday']).toLowerCase().slice(0, 3) as Local['weekday'];
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    weekday,
    time: `${parts['hour']}:${parts['minute']}`,
  };
}

/**
 * True when the call clock's now falls in opening hours in the calendar's
 * time zone (daylight saving handled by Intl), holidays taken into account.
 *
 * @example
 * { "timeZone": "America/New_York", "weekly": { "mon": [["09:00", "17:00"]] }, "holidays": ["2025-12-25"] }
 */
export const withinBusinessHours: IvrGuard<typeof withinBusinessHoursParams> = {
  name: 'withinBusinessHours',
  params: withinBusinessHoursParams,
  check: (params, { now }) => {
    const local = localTime(now, params.timeZone);
    const holiday = params.holidays.find(
      (day) => (typeof day === 'string' ? day : day.date) === local.date,
    );
    const today =
      holiday === undefined
        ? params.weekly[local.weekday]
        : typeof holiday === 'string'
          ? []
          : holiday.hours;
    return today.some(([open, close]) => local.time >= open && local.time < close);
  },
};
