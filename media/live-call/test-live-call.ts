/**
 * Test support: a call bridged to agent Alice on the drachtio-srf and fsmrf
 * twins, held in LiveCalls, with the live-call control over it. Supervisor
 * Sam has one phone; the control's call records are kept in `records`.
 */
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import type { CallRecordItem } from '../call-record/call-record.ts';
import { connectedLeg } from '../freeswitch/connected-leg.ts';
import { FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';
import { DialogTwin, MediaServerTwin, type EndpointTwin } from '../freeswitch/media-server-twin.ts';
import { DeviceRinger } from '../offer/device-ringer.ts';
import { UacTwin } from '../sip/sip-uac-twin.ts';
import { supervisionNotice, type SupervisionChange } from '../supervision/supervision-notice.ts';
import { OutboundDialer } from '../transfer/outbound-dialer.ts';
import { LiveCalls } from './live-calls.ts';
import { MediaLiveCallControl } from './media-live-call-control.ts';

export const logger = createLogger({ level: 'silent' });
export const callId = '33333333-3333-4333-8333-333333333333';

export async function liveCall(notify?: (change: SupervisionChange) => Promise<void>) {
  const clock = new SimulatedCallClock(1_700_000_000_000);
  const server = new MediaServerTwin(clock);
  const sip = new UacTwin();
  const ringer = new DeviceRinger({ sip, mediaServer: () => server, clock, logger });
  const dialer = new OutboundDialer({ ringer, numberUri: 'sip:{number}@carrier.example.net' });
  const calls = new LiveCalls();
  const changes: SupervisionChange[] = [];
  const records: CallRecordItem[] = [];
  const callerEndpoint = (await server.createEndpoint({ remoteSdp: 'v=0' })) as EndpointTwin;
  const agentEndpoint = (await server.createEndpoint()) as EndpointTwin;
  const agentDialog = new DialogTwin('agent');
  const agentLeg = connectedLeg(agentDialog, agentEndpoint);
  const callerDialog = new DialogTwin('caller');
  const session = calls.track(
    new FreeSwitchCallSession({
      callId,
      callerNumber: '+15550001111',
      dialedNumber: '+15550002222',
      caller: connectedLeg(callerDialog, callerEndpoint),
      clock,
      logger,
      prompts: { promptsDir: '/p', voices: {} },
      recordingsDir: '/r',
      agentLegs: { take: () => agentLeg },
      dialer,
    }),
  );
  const bridged = session.bridge({ kind: 'agent', agentId: 'alice' });
  await clock.advance(0);
  const phones: Record<string, string[]> = { sam: ['sip:sam@198.51.100.9'], alice: [] };
  const control = new MediaLiveCallControl({
    calls,
    devices: {
      bindings: (userId) =>
        Promise.resolve(
          (phones[userId] ?? []).map((contact) => ({ contact, sourceAddress: '198.51.100.9' })),
        ),
    },
    ringer,
    dialer,
    records: { write: (item) => void records.push(item) },
    notice: supervisionNotice(
      [
        (change) => {
          changes.push(change);
          return Promise.resolve();
        },
        ...(notify === undefined ? [] : [notify]),
      ],
      logger,
    ),
    clock,
    logger,
  });
  return {
    clock,
    server,
    sip,
    dialer,
    calls,
    session,
    bridged,
    control,
    changes,
    records,
    agentLeg,
    agentDialog,
    agentEndpoint,
    callerEndpoint,
    callerDialog,
  };
}

export type LiveCall = Awaited<ReturnType<typeof liveCall>>;

/** Starts `work`, lets the supervisor's phone ring, answers it, and waits for `work`. */
export async function answered<T>(t: LiveCall, work: Promise<T>) {
  await t.clock.advance(0);
  const dialog = t.sip.ringing()[0]?.answer();
  await t.clock.advance(0);
  await work;
  return { dialog, endpoint: t.server.endpoints.at(-1) as EndpointTwin };
}
