import { liveTopics } from './live-event.ts';

/** What a client asked for when opening the event socket. */
export interface UpgradeQuery {
  readonly topics: ReadonlySet<string>;
  /** Resume after this stream id; null: live events only. */
  readonly lastEventId: string | null;
}

/** A refused query: the field and what is wrong, as the HTTP API's validation errors say it. */
export interface UpgradeQueryProblem {
  readonly field: string;
  readonly message: string;
}

/** Redis stream ids are two unsigned 64-bit numbers; XRANGE refuses anything larger. */
const maxStreamIdPart = 2n ** 64n - 1n;
const knownTopics = new Set<string>(liveTopics);

/**
 * Reads `?topics=agent,offer` (default: every topic) and `?lastEventId=`.
 * Refuses an unknown topic (only the topics clients may follow exist for
 * them; other entries of the stream are the server's own) and a stream id
 * Redis would refuse, so the socket is never opened only to fail.
 *
 * @example
 * parseUpgradeQuery(new URLSearchParams('topics=offer')); // { topics: Set{'offer'}, lastEventId: null }
 */
export function parseUpgradeQuery(search: URLSearchParams): UpgradeQuery | UpgradeQueryProblem {
  const topicsParam = search.get('topics');
  let topics: Set<string>;
  if (topicsParam === null) {
    topics = new Set(liveTopics);
  } else {
    topics = new Set(topicsParam.split(',').map((topic) => topic.trim()));
    topics.delete('');
    const unknown = [...topics].filter((topic) => !knownTopics.has(topic));
    if (topics.size === 0 || unknown.length > 0) {
      const what = topics.size === 0 ? 'names no topic' : `has unknown ${unknown.join(', ')}`;
      return { field: 'query.topics', message: `${what}; use ${liveTopics.join(', ')}` };
    }
  }
  const lastEventId = search.get('lastEventId');
  if (lastEventId !== null && !isStreamId(lastEventId)) {
    return {
      field: 'query.lastEventId',
      message: 'must be an event id from this stream, e.g. 1700000000000-0',
    };
  }
  return { topics, lastEventId };
}

function isStreamId(value: string): boolean {
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(value);
  return (
    match !== null && BigInt(match[1]!) <= maxStreamIdPart && BigInt(match[2]!) <= maxStreamIdPart
  );
}
