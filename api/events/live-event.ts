/** What a live client can subscribe to; the part of an event type before the dot. */
export const liveTopics = [
  'agent',
  'contact',
  'offer',
  'queue',
  'call',
  'supervision',
  'consultation',
] as const;
export type LiveTopic = (typeof liveTopics)[number];

/**
 * One entry of the event stream as clients receive it. `id` is the Redis
 * stream id: it orders events and is the cursor a reconnecting client sends
 * back as `lastEventId`.
 */
export interface LiveEvent {
  readonly id: string;
  readonly type: string;
  readonly topic: string;
  /** Every field of the entry as written (routing's `AcdEvent` fields, the voice layer's call events). */
  readonly data: Readonly<Record<string, string>>;
}

/** Parses one XREAD/XRANGE entry; works for any producer that writes a `type` field. */
export function toLiveEvent(id: string, fields: readonly string[]): LiveEvent {
  const data: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) data[fields[i]!] = fields[i + 1]!;
  const type = data.type ?? 'unknown';
  const dot = type.indexOf('.');
  return { id, type, topic: dot === -1 ? type : type.slice(0, dot), data };
}

/** Orders Redis stream ids (`<ms>-<seq>`); negative when a is older. */
export function compareStreamIds(a: string, b: string): number {
  // Runs once per event per client during fan-out: no arrays, no regexes.
  if (a === b) return 0;
  const ad = a.indexOf('-');
  const bd = b.indexOf('-');
  const am = Number(ad === -1 ? a : a.slice(0, ad));
  const bm = Number(bd === -1 ? b : b.slice(0, bd));
  if (am !== bm) return am - bm;
  return (ad === -1 ? 0 : Number(a.slice(ad + 1))) - (bd === -1 ? 0 : Number(b.slice(bd + 1)));
}
