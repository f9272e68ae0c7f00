import { settleWithin, systemCallClock, type CallClock } from '../../ivr/call-clock.ts';
import type { SipDialog } from '../sip/sip-message.ts';
import type { MediaEndpoint } from './media-server.ts';

/**
 * Which half ended a leg: the far end's BYE (`farEnd`), FreeSWITCH releasing
 * the channel (`media`: a bridge partner hung up, a media timeout, the media
 * server gone), or this process hanging up (`local`).
 */
export type LegEnd = 'farEnd' | 'media' | 'local';

/**
 * A call leg with both halves up: the SIP dialog with the far end and the
 * FreeSWITCH endpoint carrying its media. Agent, supervisor and transfer legs
 * are ConnectedLegs; so, once answered, is the caller.
 */
export interface ConnectedLeg {
  readonly dialog: SipDialog;
  readonly endpoint: MediaEndpoint;
  /** Sends BYE and releases the endpoint. Idempotent; never rejects. */
  hangup(): Promise<void>;
  /** Calls `listener` once when either half ends (with which); at once if it already has. Returns an unsubscribe function. */
  onEnded(listener: (by: LegEnd) => void): () => void;
  readonly ended: boolean;
}

/** How long a leg's release waits for drachtio's BYE and FreeSWITCH's hang-up, each. */
export const legReleaseLimitMs = 5_000;

/**
 * Ties a dialog and an endpoint into a {@link ConnectedLeg}: when either ends,
 * the other is released, so no FreeSWITCH session outlives its SIP dialog.
 * A release waits at most {@link legReleaseLimitMs} for each half: the event
 * socket or drachtio connection may already be gone, and a hang-up nobody
 * answers must not keep the call open (the orphan sweep ends any FreeSWITCH
 * session left behind).
 */
export function connectedLeg(
  dialog: SipDialog,
  endpoint: MediaEndpoint,
  clock: CallClock = systemCallClock,
): ConnectedLeg {
  const listeners = new Set<(by: LegEnd) => void>();
  let ended = false;
  let endedBy: LegEnd = 'local';
  let released: Promise<unknown> | undefined;
  // Later calls wait for the first release, so `hangup()` resolves once the channel is gone.
  const release = async (by: LegEnd) => {
    if (released !== undefined) {
      await released;
      return;
    }
    ended = true;
    endedBy = by;
    const sendBye = by !== 'farEnd';
    released = Promise.all([
      sendBye ? settleWithin(clock, legReleaseLimitMs, dialog.destroy()) : undefined,
      settleWithin(clock, legReleaseLimitMs, endpoint.destroy()),
    ]);
    // Listeners first: a dead event socket may never answer the endpoint's hangup.
    for (const listener of [...listeners]) listener(by);
    listeners.clear();
    await released;
  };
  dialog.on('destroy', () => void release('farEnd'));
  endpoint.on('destroy', () => void release('media'));
  return {
    dialog,
    endpoint,
    get ended() {
      return ended;
    },
    hangup: () => release('local'),
    onEnded(listener) {
      if (ended) {
        listener(endedBy);
        return () => undefined;
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
