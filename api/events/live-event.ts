/** What a live client can subscribe to; the part of an event type before the dot. */
export const liveTopics = ['agent', 'contact', 'offer', 'queue', 'call', 'supervision'] as const;
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
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}

export const streamIdPattern = /^\d{1,20}-\d{1,20}$/;
