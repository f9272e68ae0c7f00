import type { HangupCause } from '../../ivr/call-session.ts';
import type { CallDisposition } from './call-record.ts';

/** What happened to a call, as far as the voice layer saw it. */
export interface CallEnding {
  readonly cause: HangupCause;
  /** The caller talked to an agent. */
  readonly bridged: boolean;
  /** The caller waited in a queue. */
  readonly enqueued: boolean;
  readonly leftVoicemail?: boolean;
  readonly requestedCallback?: boolean;
}

/**
 * The readable disposition of a finished call, for reports and the call
 * record. Order matters: a caller who was transferred, left a message or
 * asked for a callback got what they came for whatever the hang-up cause; a
 * caller who hung up while waiting in a queue abandoned; a call that ended in
 * the IVR without ever reaching a queue is `self-service` (IVR containment),
 * not `completed`, so reports count handled calls and contained calls apart.
 */
export function dispositionFor(ending: CallEnding): CallDisposition {
  if (ending.cause === 'transferred') return 'transferred';
  if (ending.leftVoicemail === true) return 'voicemail';
  if (ending.requestedCallback === true) return 'callback-requested';
  if (ending.bridged) return 'completed';
  switch (ending.cause) {
    case 'callerHungUp':
      return ending.enqueued ? 'abandoned' : 'self-service';
    case 'normal':
      return ending.enqueued ? 'completed' : 'self-service';
    case 'busy':
      return 'busy';
    case 'noAnswer':
      return 'no-answer';
    case 'rejected':
      return 'rejected';
    case 'maxDurationReached':
      return 'timed-out';
    case 'flowError':
    case 'signallingLost':
    case 'mediaServerLost':
      return 'failed';
  }
}

/** The disposition of a call refused before it was answered, by SIP status. */
export function dispositionForRefusal(sipStatus: number): CallDisposition {
  if (sipStatus === 487) return 'abandoned';
  if (sipStatus === 486 || sipStatus === 600) return 'busy';
  if (sipStatus === 480 || sipStatus === 408) return 'no-answer';
  if (sipStatus === 403 || sipStatus === 404 || sipStatus === 488 || sipStatus === 603) {
    return 'rejected';
  }
  return 'failed';
}
