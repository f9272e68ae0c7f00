import { settleWithin, type CallClock } from '../../ivr/call-clock.ts';
import type { CallSession, HangupCause } from '../../ivr/call-session.ts';
import type { Disposition } from '../../ivr/flow-context.ts';
import type { IdGenerator } from '../../platform/id-generator.ts';
import type { Logger } from '../../platform/logger.ts';
import type { InboundRoute } from '../../sql/repositories/inbound-route-repository.ts';
import { dispositionFor, dispositionForRefusal } from '../call-record/call-disposition.ts';
import type { CallRecordSink } from '../call-record/call-record.ts';
import { CallRecorder } from '../call-record/call-recorder.ts';
import { connectedLeg, type ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { MediaEndpoint, MediaServer } from '../freeswitch/media-server.ts';
import { readAudioOffer, type AudioOffer } from './offered-codecs.ts';
import {
  headerUri,
  uriUser,
  type SipDialog,
  type SipRequest,
  type SipResponse,
} from './sip-message.ts';
import { callRefused, sipFailureFor } from './sip-status.ts';

/** A published flow version, as the route lookup returns it. */
export type PublishedFlow = Extract<InboundRoute, { kind: 'flow' }>['flow'];

/** What the flow did that the call record needs. */
export interface FlowResult {
  readonly enqueued?: boolean;
  readonly bridged?: boolean;
  readonly leftVoicemail?: boolean;
  readonly requestedCallback?: boolean;
  readonly queueId?: string;
  readonly agentId?: string;
}

/** Runs a published flow on an answered call (wired to ivr/start-flow.ts by app/). */
export interface FlowRunner {
  /**
   * Settles when the flow has ended; the handler hangs up if the flow did not.
   * `progress` hears where the call goes while it is live (queued, answered
   * by an agent), so the call row shows it before the call ends.
   */
  run(
    flow: PublishedFlow,
    session: CallSession,
    progress?: (disposition: Disposition) => void,
  ): Promise<FlowResult>;
}

/** Admission control's answer for one new call. */
export type AdmissionDecision =
  | {
      readonly admitted: true;
      /** The call is over (or was never set up): its place is free again. */
      release(): void;
      /**
       * The media server finished setting the call up (`ok`) or failed to
       * (`failed`: timeout, 5xx); adaptive admission learns from these.
       */
      mediaSetUp?(outcome: 'ok' | 'failed'): void;
    }
  | { readonly admitted: false; readonly retryAfterSeconds: number; readonly why: string };

/** Decides whether a media server can take one more call now. */
export interface Admission {
  admit(server: MediaServer): AdmissionDecision;
}

/** The part of drachtio-srf's `Srf` the handler uses. */
export interface UasFactory {
  createUAS(
    request: SipRequest,
    response: SipResponse,
    options: { readonly localSdp: string; readonly headers?: Readonly<Record<string, string>> },
  ): Promise<SipDialog>;
}

/**
 * The caller's session as this handler needs it: the `CallSession` port, plus
 * word of a transfer to a queue reaching another agent (so the call record
 * names who the caller talks to now).
 */
export interface InboundCallSession extends CallSession {
  onReconnected(listener: (reached: { agentId: string; queueId: string }) => void): () => void;
}

export interface InboundCallHandlerOptions {
  readonly routes: { find(number: string): Promise<InboundRoute> };
  readonly sip: UasFactory;
  /** The connected FreeSWITCH, or undefined while the event socket is down. */
  readonly mediaServer: () => MediaServer | undefined;
  readonly admission: Admission;
  readonly flows: FlowRunner;
  readonly records: CallRecordSink & { readonly hasRoomForNewCalls: boolean };
  /** Builds the CallSession for an answered caller (FreeSwitchCallSession in production). */
  readonly sessionFor: (call: {
    readonly callId: string;
    readonly callerNumber: string;
    readonly dialedNumber: string;
    readonly caller: ConnectedLeg;
  }) => InboundCallSession;
  readonly clock: CallClock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

class CallerCancelled extends Error {}

/** How long an answered caller has to ACK our 200 OK (drachtio retransmits it meanwhile). */
export const ackLimitMs = 8_000;

/** A set-up (INVITE to 200 OK) this slow is logged with where its time went. */
const slowSetupMs = 1000;

/**
 * Takes inbound calls: INVITE to a DID, look up its published flow, create a
 * FreeSWITCH endpoint for the caller's SDP, answer, and run the flow on a
 * {@link CallSession}. Refusals get their SIP status from `sipFailureFor`
 * (404 unknown number, 480 no published flow, 488 no common codec, 503 with
 * Retry-After when media is down or full); a caller's CANCEL is honoured at
 * every step. Every INVITE, taken or refused, leaves a call record.
 *
 * @example
 * srf.invite((req, res) => void inbound.handle(req, res));
 */
export class InboundCallHandler {
  private readonly live = new Map<string, CallSession>();

  constructor(private readonly options: InboundCallHandlerOptions) {}

  /** Calls answered and not yet ended; drain waits for this to reach zero. */
  get liveCalls(): number {
    return this.live.size;
  }

  /** Hangs up every live call (media server lost, or drain deadline passed). */
  async hangUpAll(cause: HangupCause): Promise<void> {
    await Promise.all([...this.live.values()].map((session) => session.hangup(cause)));
  }

  /** Handles one INVITE to the end of the call. Never rejects. */
  async handle(request: SipRequest, response: SipResponse): Promise<void> {
    const { clock, ids } = this.options;
    const callId = ids.next();
    const log = this.options.logger.child({ callId });
    const fromUri = headerUri(request, 'From') ?? '';
    const callerNumber = uriUser(fromUri) ?? 'anonymous';
    let dialedNumber = uriUser(request.uri) ?? '';
    const record = new CallRecorder(this.options.records, clock, ids, {
      id: callId,
      direction: 'inbound',
      fromNumber: callerNumber,
      toNumber: dialedNumber,
      did: dialedNumber,
      sipCallId: request.get('Call-ID') ?? null,
      ownLeg: { role: 'caller', sipUri: fromUri },
    });
    let cancelled = false;
    request.on('cancel', () => {
      cancelled = true;
    });
    const checkCancel = () => {
      if (cancelled) throw new CallerCancelled('caller cancelled');
    };

    let endpoint: MediaEndpoint | undefined;
    let admitted: Extract<AdmissionDecision, { admitted: true }> | undefined;
    let dialog: SipDialog;
    let flow: PublishedFlow;
    let offer: AudioOffer;
    // Where a slow set-up spent its time, for the log: route lookup, media, answer.
    const receivedAt = clock.now();
    let routedAt = receivedAt;
    let mediaAt = receivedAt;
    try {
      const route = await this.options.routes.find(dialedNumber);
      routedAt = clock.now();
      if (route.kind === 'unknown')
        throw callRefused('unknown-number', `no number ${dialedNumber}`);
      if (route.kind === 'unpublished') {
        throw callRefused('no-published-flow', `flow ${route.flowName} has no published version`);
      }
      // The number as registered (E.164), however the carrier spelled it.
      dialedNumber = route.number;
      record.update({ toNumber: dialedNumber, did: dialedNumber });
      flow = route.flow;
      record.update({ flowId: flow.id });
      offer = readAudioOffer(request.body);
      const { lateOffer, codecs } = offer;
      if (!lateOffer && codecs.length === 0) {
        throw callRefused('incompatible-media', 'no codec in common');
      }
      if (!this.options.records.hasRoomForNewCalls) {
        throw callRefused('overloaded', 'call records are backing up', { retryAfterSeconds: 10 });
      }
      const server = this.options.mediaServer();
      if (server === undefined)
        throw callRefused('media-unavailable', 'FreeSWITCH is not connected');
      const decision = this.options.admission.admit(server);
      if (!decision.admitted) {
        throw callRefused('overloaded', decision.why, {
          retryAfterSeconds: decision.retryAfterSeconds,
        });
      }
      admitted = decision;
      checkCancel();
      // The caller's SDP goes to FreeSWITCH as offered: its profile negotiates
      // against our codecs in the caller's order (`generous`). Handing fsmrf a
      // codec list too would only rewrite the SDP into the same order and then
      // send an extra `set codec_string` to the answered channel, a command and
      // two full channel events per call for nothing.
      endpoint = await server.createEndpoint(lateOffer ? {} : { remoteSdp: request.body }).then(
        (created) => {
          decision.mediaSetUp?.('ok');
          return created;
        },
        (error: unknown) => {
          // A refusal for the SDP (488) says nothing about the media server's load.
          decision.mediaSetUp?.(sipStatusOf(error) === 488 ? 'ok' : 'failed');
          throw mediaFailure(error);
        },
      );
      mediaAt = clock.now();
      checkCancel();
      dialog = await this.options.sip.createUAS(request, response, {
        localSdp: endpoint.local.sdp,
      });
    } catch (error) {
      await endpoint?.destroy().catch(() => undefined);
      admitted?.release();
      this.refused(error, cancelled, response, record, log);
      return;
    }

    const answeredAt = clock.now();
    if (answeredAt - receivedAt >= slowSetupMs) {
      log.info(
        {
          setupMs: answeredAt - receivedAt,
          routeMs: routedAt - receivedAt,
          mediaMs: mediaAt - routedAt,
          answerMs: answeredAt - mediaAt,
        },
        'call set-up slow',
      );
    }
    record.update({ answeredAt: new Date(answeredAt), sipStatus: 200 }, 'call.answered');
    // From here on both halves are released through the leg, whose hang-up
    // is bounded (a BYE or FreeSWITCH hang-up nobody answers holds nothing).
    const caller = connectedLeg(dialog, endpoint, clock);
    // The flow starts once the caller has acknowledged the answer: a 200 OK
    // never ACKed would otherwise run it until drachtio gives up (32 s).
    const acked = new Promise<void>((resolve) => dialog.on('ack', () => resolve()));
    if ((await settleWithin(clock, ackLimitMs, acked)) === 'timedOut') {
      log.info({ ackLimitMs }, 'caller never acknowledged the answer; hanging up');
      await caller.hangup();
      admitted.release();
      record.update(
        { endedAt: new Date(clock.now()), hangupCause: 'noAck', disposition: 'failed' },
        'call.ended',
      );
      return;
    }
    const answered = { callId, callerNumber, dialedNumber, flow, offer, caller, record };
    try {
      await this.runAnswered(answered, log);
    } catch (error) {
      // A defect in call handling, not the caller's doing: it ends this call
      // only, closes its record and frees its place, and is logged as such.
      log.error({ err: error }, 'call handling failed; ending the call');
      const session = this.live.get(callId);
      this.live.delete(callId);
      await session?.hangup('flowError').catch(() => undefined);
      await caller.hangup();
      if (record.snapshot.endedAt == null) {
        record.update(
          {
            endedAt: new Date(clock.now()),
            hangupCause: 'flowError',
            disposition: dispositionFor({ cause: 'flowError', bridged: false, enqueued: false }),
          },
          'call.ended',
        );
      }
    } finally {
      admitted.release();
    }
  }

  /** An answered call, from the flow's start to its record's end. */
  private async runAnswered(
    call: {
      readonly callId: string;
      readonly callerNumber: string;
      readonly dialedNumber: string;
      readonly flow: PublishedFlow;
      readonly offer: AudioOffer;
      readonly caller: ConnectedLeg;
      readonly record: CallRecorder;
    },
    log: Logger,
  ): Promise<void> {
    const { clock } = this.options;
    const { callId, record } = call;
    const { endpoint } = call.caller;
    if (!call.offer.telephoneEvents) {
      // No RFC 2833: listen for keys as in-band tones (spandsp / dptools detector).
      await endpoint.execute('start_dtmf').catch((error: unknown) => {
        log.warn({ err: error }, 'could not start in-band DTMF detection');
      });
    }
    const session = this.options.sessionFor({
      callId,
      callerNumber: call.callerNumber,
      dialedNumber: call.dialedNumber,
      caller: call.caller,
    });
    this.live.set(callId, session);
    let cause: HangupCause = 'normal';
    session.onHangup((ended) => {
      cause = ended;
    });
    // Set once a transfer to a queue reaches another agent: the call record
    // then names that agent and queue, not those the flow bridged first.
    let transferredTo: { agentId: string; queueId: string } | undefined;
    session.onReconnected((reached) => {
      transferredTo = reached;
      record.update(
        { queueId: reached.queueId, agentId: reached.agentId, bridgedAt: new Date(clock.now()) },
        'call.transferred',
      );
    });
    let result: FlowResult = {};
    try {
      result = await this.options.flows.run(call.flow, session, (disposition) => {
        if (disposition.kind !== 'queued') return;
        const now = new Date(clock.now());
        if (disposition.result === 'waiting') {
          record.update(
            {
              queueId: disposition.queueId,
              enqueuedAt: record.snapshot.enqueuedAt ?? now,
            },
            'call.enqueued',
          );
        } else if (disposition.result === 'answered' && disposition.agentId !== undefined) {
          record.update(
            { queueId: disposition.queueId, agentId: disposition.agentId, bridgedAt: now },
            'call.bridged',
          );
        }
      });
    } catch (error) {
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'flow failed');
      await session.hangup('flowError');
    }
    if (!session.ended) await session.hangup('normal');
    this.live.delete(callId);
    record.update(
      {
        endedAt: new Date(clock.now()),
        hangupCause: cause,
        queueId: transferredTo?.queueId ?? result.queueId ?? null,
        agentId: transferredTo?.agentId ?? result.agentId ?? null,
        disposition: dispositionFor({
          cause,
          bridged: result.bridged === true,
          enqueued: result.enqueued === true,
          leftVoicemail: result.leftVoicemail,
          requestedCallback: result.requestedCallback,
        }),
      },
      'call.ended',
    );
  }

  private refused(
    error: unknown,
    cancelled: boolean,
    response: SipResponse,
    record: CallRecorder,
    log: Logger,
  ): void {
    const now = new Date(this.options.clock.now());
    if (cancelled || sipStatusOf(error) === 487) {
      // drachtio-server has already answered the INVITE with 487.
      record.update(
        { endedAt: now, sipStatus: 487, hangupCause: 'callerHungUp', disposition: 'abandoned' },
        'call.cancelled',
      );
      return;
    }
    const failure = sipFailureFor(error);
    if (!response.finalResponseSent) {
      response.send(failure.status, failure.reason, { headers: failure.headers });
    }
    const reason = error instanceof Error ? error.message : String(error);
    log.info({ status: failure.status, reason }, 'call refused');
    record.update(
      {
        endedAt: now,
        sipStatus: failure.status,
        hangupCause: reason,
        disposition: dispositionForRefusal(failure.status),
      },
      'call.refused',
    );
  }
}

function sipStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** FreeSWITCH refusing the caller's SDP shows up as a 488 on fsmrf's INVITE to it. */
function mediaFailure(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  return sipStatusOf(error) === 488
    ? callRefused('incompatible-media', message)
    : callRefused('media-unavailable', message);
}
