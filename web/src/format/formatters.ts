/** Durations, times and numbers as the user's language and time zone write them. */

/** `m:ss`, or `h:mm:ss` past an hour: what a contact-center clock shows. */
export function clockDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

export function timeOfDay(at: number | string, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(language, {
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(at));
}

export function dateTime(at: number | string, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(language, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(at));
}

/** "3 min", "2 h 5 min": a call's length in words of the language. */
export function spokenDuration(seconds: number, language: string): string {
  const minutes = Math.round(seconds / 60);
  if (seconds < 60) {
    return new Intl.NumberFormat(language, { style: 'unit', unit: 'second' }).format(seconds);
  }
  if (minutes < 60) {
    return new Intl.NumberFormat(language, { style: 'unit', unit: 'minute' }).format(minutes);
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const h = new Intl.NumberFormat(language, { style: 'unit', unit: 'hour' }).format(hours);
  if (rest === 0) return h;
  return `${h} ${new Intl.NumberFormat(language, { style: 'unit', unit: 'minute' }).format(rest)}`;
}
