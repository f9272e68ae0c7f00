import type { FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';

/**
 * The calls this process holds now, by call id: what supervision, transfers
 * and recording controls look calls up in. A session leaves when it hangs up.
 *
 * @example
 * sessionFor: (call) => liveCalls.track(new FreeSwitchCallSession({ ...call, ... }))
 */
export class LiveCalls {
  private readonly sessions = new Map<string, FreeSwitchCallSession>();

  track(session: FreeSwitchCallSession): FreeSwitchCallSession {
    if (session.ended) return session;
    this.sessions.set(session.callId, session);
    session.onHangup(() => {
      if (this.sessions.get(session.callId) === session) this.sessions.delete(session.callId);
    });
    return session;
  }

  get(callId: string): FreeSwitchCallSession | undefined {
    return this.sessions.get(callId);
  }

  /** FreeSWITCH channel UUIDs of every live caller and the leg bridged to it. */
  mediaUuids(): string[] {
    return [...this.sessions.values()].flatMap((session) => session.mediaUuids());
  }

  get size(): number {
    return this.sessions.size;
  }
}
