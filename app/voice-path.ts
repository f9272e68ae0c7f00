import { trustedSources } from '../media/sip/trusted-sources.ts';
import { connectOfferThroughFsmrf } from '../media/freeswitch/browser-media.ts';
import {
  callConnectedStreamNotice,
  withConnectedNotices,
} from '../media/call-record/call-connected-notice.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { ReadinessProbe } from '../api/health/readiness-probe.ts';
import type { ClickToDial } from '../api/agent-desk/click-to-dial.ts';
import type { LiveCallControl } from '../api/live-call/live-call-control.ts';
import { PostgresVoicemailBox } from '../channels/voicemail/postgres-voicemail-box.ts';
import { settleWithin, type CallClock } from '../ivr/call-clock.ts';
import { CallRecordWriter } from '../media/call-record/call-record-writer.ts';
import { openCallRecordSpool } from './open-call-record-spool.ts';
import { OpenCallSweeper } from '../media/call-record/open-call-sweeper.ts';
import { MediaAdmission } from '../media/admission/media-admission.ts';
import { FreeSwitchCallSession } from '../media/freeswitch/free-switch-call-session.ts';
import type { Dialer } from '../media/freeswitch/free-switch-call-session.ts';
import {
  fsmrfConnector,
  MediaServerConnection,
  type ConnectMediaServer,
  type MediaServerState,
} from '../media/freeswitch/media-server-connection.ts';
import type { MediaServer } from '../media/freeswitch/media-server.ts';
import { OrphanReconciler, OwnedEndpoints } from '../media/freeswitch/orphan-reconciler.ts';
import type { PromptSourceOptions, TtsVoice } from '../media/freeswitch/prompt-source.ts';
import { LiveCalls } from '../media/live-call/live-calls.ts';
import { MediaLiveCallControl } from '../media/live-call/media-live-call-control.ts';
import { AgentLegBroker } from '../media/offer/agent-leg-broker.ts';
import { CallbackCall } from '../media/offer/callback-call.ts';
import { ClickToDialCall } from '../media/offer/click-to-dial-call.ts';
import { DeviceRinger } from '../media/offer/device-ringer.ts';
import { OfferRinger } from '../media/offer/offer-ringer.ts';
import { BridgeRecorder } from '../media/recording/call-recording.ts';
import { LocalRecordingFiles } from '../media/recording/recording-files.ts';
import { DigestAuthenticator } from '../media/registrar/digest-auth.ts';
import { NonceUses } from '../media/registrar/nonce-uses.ts';
import { Registrar } from '../media/registrar/registrar.ts';
import { RegistrationStore } from '../media/registrar/registration-store.ts';
import { RegistrationThrottle } from '../media/registrar/registration-throttle.ts';
import { guardedSipHandler } from '../media/sip/guarded-sip-handler.ts';
import { InviteFloodGuard } from '../media/sip/invite-flood-guard.ts';
import {
  InboundCallHandler,
  type Admission,
  type UasFactory,
} from '../media/sip/inbound-call-handler.ts';
import { connectSignalling, type SignallingState } from '../media/sip/signalling-connection.ts';
import type { SipRequest, SipResponse } from '../media/sip/sip-message.ts';
import type { UacFactory } from '../media/sip/sip-uac.ts';
import {
  auditLogNotice,
  eventStreamNotice,
  supervisionNotice,
} from '../media/supervision/supervision-notice.ts';
import { AgentRefer } from '../media/transfer/agent-refer.ts';
import { OutboundDialer } from '../media/transfer/outbound-dialer.ts';
import { Consultations } from '../media/transfer/consultations.ts';
import { consultationStreamNotice } from '../media/transfer/consultation-notice.ts';
import { TransferTargetCall } from '../media/transfer/transfer-target-call.ts';
import { QueueTransfer } from '../media/transfer/queue-transfer.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Logger } from '../platform/logger.ts';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import type { RedisRouting } from '../routing/create-redis-routing.ts';
import type { Database } from '../sql/database.ts';
import { AuditRepository } from '../sql/repositories/audit-repository.ts';
import { CallRecordRepository } from '../sql/repositories/call-record-repository.ts';
import { InboundRouteRepository } from '../sql/repositories/inbound-route-repository.ts';
import { QueueRepository } from '../sql/repositories/queue-repository.ts';
import { SipCredentialRepository } from '../sql/repositories/sip-credential-repository.ts';
import type { Config } from './config.ts';
import { voiceFlowRunner } from './voice-flows.ts';

/** A SIP request handler as drachtio-srf calls it. */
export type SipHandler = (request: SipRequest, response: SipResponse) => void;

/** The part of drachtio-srf's `Srf` the voice path uses. */
export interface SignallingSrf extends UasFactory, UacFactory {
  /** Every incoming INVITE outside a dialog goes to `handler`. */
  invite(handler: SipHandler): unknown;
  /** Every incoming REGISTER goes to `handler`. */
  register(handler: SipHandler): unknown;
}

/** The connection to drachtio-server: the Srf, where it stands, and how to let go of it. */
export interface VoiceSignalling {
  readonly srf: SignallingSrf;
  state(): SignallingState;
  /** Stops reconnecting and closes the command socket. */
  close(): void;
  /** Calls `listener` each time an established connection to drachtio-server is lost. */
  onLost?(listener: () => void): () => void;
}

/**
 * Opens the voice servers: drachtio-server now (it reconnects by itself) and
 * a way to open FreeSWITCH event sockets through it. Tests pass in-process
 * twins; production uses {@link drachtioConnectors}.
 */
export type ConnectVoiceServers = (settings: {
  readonly drachtio: Config['drachtio'];
  readonly logger: Logger;
}) => { readonly signalling: VoiceSignalling; readonly connectMediaServer: ConnectMediaServer };

/** drachtio-srf to drachtio-server, fsmrf to FreeSWITCH. */
export const drachtioConnectors: ConnectVoiceServers = ({ drachtio, logger }) => {
  const connection = connectSignalling({ ...drachtio, logger });
  return {
    signalling: {
      // drachtio-srf's typings differ from its runtime shapes; sip-message.ts documents what we rely on.
      srf: connection.srf as unknown as SignallingSrf,
      state: () => connection.state(),
      close: () => connection.close(),
      onLost: (listener) => connection.onLost(listener),
    },
    connectMediaServer: fsmrfConnector(connection.srf),
  };
};

/** TTS for the whisper and `say`: mod_flite's voice, which FreeSWITCH images ship. */
export const defaultVoices: Readonly<Record<string, TtsVoice>> = Object.freeze({
  en: Object.freeze({ engine: 'flite', voice: 'kal' }),
});

export interface VoicePathDependencies {
  readonly config: Config;
  readonly logger: Logger;
  /** Time for live calls: timers of prompts, rings, retries. */
  readonly clock: CallClock;
  /** Call, leg and event ids; calls are Postgres uuids. */
  readonly ids: IdGenerator;
  readonly db: Kysely<Database>;
  /** The commands connection (registrations, throttle, supervision events). */
  readonly redis: Redis;
  readonly routing: RedisRouting;
  /** Default {@link drachtioConnectors}. */
  readonly connect?: ConnectVoiceServers;
  /** TTS voices by language; default {@link defaultVoices}. */
  readonly voices?: Readonly<Record<string, TtsVoice>>;
}

export interface VoicePath {
  /** The API's control of calls in progress (supervise, transfer). */
  readonly liveCalls: LiveCallControl;
  /** The API's click-to-dial: the agent's phone, then the customer's. */
  readonly clickToDial: ClickToDial;
  /** drachtio and FreeSWITCH, reported in /readyz but never required. */
  readonly probes: readonly ReadinessProbe[];
  /**
   * Stops taking calls (new INVITEs get 503 + Retry-After), waits for live
   * calls up to `SHUTDOWN_DRAIN_SECONDS`, then hangs up the rest and stops
   * ringing agents.
   */
  drain(): Promise<void>;
  /** Writes the last call records and disconnects from both servers. Call after {@link drain}. */
  close(): Promise<void>;
}

/**
 * Wires the voice path (media/) into the service: inbound calls run their
 * published flow, agent phones register, ACD offers ring agents, calls are
 * recorded, supervised and transferred. The service keeps running while
 * drachtio-server or FreeSWITCH is away; `probes` say where each stands.
 *
 * @example
 * const voice = startVoicePath({ config, logger, clock: systemCallClock, ids: uuidGenerator,
 *   db, redis, routing });
 * ...; await voice.drain(); await voice.close();
 */
export function startVoicePath(deps: VoicePathDependencies): VoicePath {
  if (!deps.config.voice.enabled) return disabledVoicePath();
  const { config, clock, ids, db, redis, routing } = deps;
  const logger = deps.logger.child({ part: 'voice' });
  const prefix = config.redis.keyPrefix;

  const { signalling, connectMediaServer } = (deps.connect ?? drachtioConnectors)({
    drachtio: config.drachtio,
    logger,
  });
  const freeswitch = new MediaServerConnection({
    address: {
      ...config.freeswitch,
      listenAddress: config.media.listenAddress,
      listenPort: config.media.listenPort,
    },
    connect: connectMediaServer,
    clock,
    logger,
  });
  // Every endpoint goes through the tracked server, so orphan sweeps know which are ours.
  const owned = new OwnedEndpoints();
  let tracked: { readonly raw: MediaServer; readonly server: MediaServer } | undefined;
  const mediaServer = (): MediaServer | undefined => {
    const raw = freeswitch.mediaServer;
    if (raw === undefined) return undefined;
    if (tracked?.raw !== raw) tracked = { raw, server: owned.track(raw) };
    return tracked.server;
  };

  // Names this process on its call rows, so another can close them if it dies.
  const instanceId = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const openCalls = new OpenCallSweeper({
    db,
    redis,
    keyPrefix: prefix,
    instanceId,
    clock,
    logger: logger.child({ component: 'open-calls' }),
  });
  openCalls.start();
  const spool = openCallRecordSpool(config.media.callRecordSpoolDir, logger);
  const writer = new CallRecordWriter({
    store: new CallRecordRepository(db, instanceId),
    clock,
    logger: logger.child({ component: 'call-records' }),
    ...(spool === undefined ? {} : { spool }),
  });
  // Desktops learn from the stream when their agent's call is bridged.
  const records = withConnectedNotices(
    writer,
    callConnectedStreamNotice(redis, routing.commands.keys.events()),
    logger,
  );
  const registrations = new RegistrationStore(redis, clock, prefix);
  const authenticator = new DigestAuthenticator({
    realm: config.sip.realm,
    secret: nonceSecret(config, logger),
    clock,
  });
  const registrar = new Registrar({
    authenticator,
    credentials: new SipCredentialRepository(db),
    store: registrations,
    throttle: new RegistrationThrottle(redis, { keyPrefix: prefix }),
    nonceUses: new NonceUses(redis, {
      keyPrefix: prefix,
      lifetimeMs: authenticator.nonceLifetimeMs,
    }),
    clock,
    logger: logger.child({ component: 'registrar' }),
    registrationsPerSource: config.voice.registrationsPerSource,
    trustedSource: trustedSources(config.voice.trustedSources),
  });

  const ringer = new DeviceRinger({
    sip: signalling.srf,
    mediaServer,
    clock,
    logger,
    // Ours like every other endpoint, for the orphan sweep.
    connectBrowserOffer: async (server, offerSdp, sendAnswer) =>
      owned.adopt(await connectOfferThroughFsmrf(server, offerSdp, sendAnswer)),
  });
  const dialer = outboundDialer(
    new OutboundDialer({
      ringer,
      numberUri: config.voice.outboundUri ?? '',
    }),
    config.voice.outboundUri,
  );
  const legs = new AgentLegBroker({ clock, logger });
  const recorder = new BridgeRecorder({
    freeswitchDir: config.media.recordingsDir,
    files: new LocalRecordingFiles(config.recordingsDir),
    sink: records,
    clock,
    logger,
  });
  const prompts: PromptSourceOptions = {
    promptsDir: config.media.promptsDir,
    voices: deps.voices ?? defaultVoices,
  };
  const calls = new LiveCalls();

  let draining = false;
  const admission = drainingAdmission(
    new MediaAdmission(
      clock,
      {
        callsPerSecond: config.media.maxCallsPerSecond,
        maxCalls: config.media.maxCalls,
        minIdleCpu: config.media.minIdleCpu,
      },
      logger.child({ component: 'admission' }),
    ),
    () => draining,
  );
  const inbound = new InboundCallHandler({
    routes: new InboundRouteRepository(db),
    sip: signalling.srf,
    mediaServer,
    admission,
    flows: voiceFlowRunner({
      services: {
        acd: routing.acd,
        voicemail: new PostgresVoicemailBox(db),
        clock,
        logger,
      },
      records,
      ids,
    }),
    records,
    sessionFor: (call) =>
      calls.track(
        new FreeSwitchCallSession({
          ...call,
          clock,
          logger: logger.child({ callId: call.callId }),
          prompts,
          recordingsDir: config.media.recordingsDir,
          agentLegs: legs,
          dialer,
          recorder,
        }),
      ),
    clock,
    ids,
    logger,
  });

  const handling = new Set<Promise<void>>();
  const sipLogger = logger.child({ part: 'sip' });
  const flood = new InviteFloodGuard({
    invitesPerSecond: config.voice.invitesPerSource,
    trustedSources: config.voice.trustedSources,
  });
  const handleInvite = guardedSipHandler(
    async (req, res) => {
      const decision = await flood.admit(req.source_address);
      if (decision.admitted) return inbound.handle(req, res);
      if (decision.newlyBlocked) {
        sipLogger.warn(
          { source: req.source_address, blockedSeconds: decision.retryAfterSeconds },
          'INVITE flood: refusing this address for a while',
        );
      }
      res.send(503, 'Too Many Calls From This Address', {
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    },
    { logger: sipLogger },
  );
  signalling.srf.invite((request, response) => {
    const call = handleInvite(request, response);
    handling.add(call);
    void call.finally(() => handling.delete(call));
  });
  const handleRegister = guardedSipHandler((req, res) => registrar.handle(req, res), {
    logger: sipLogger,
  });
  signalling.srf.register((request, response) => void handleRegister(request, response));
  signalling.onLost?.(() => {
    // The calls' SIP dialogs went with the connection: end them (their
    // FreeSWITCH sessions and records) instead of leaving agents busy until
    // FreeSWITCH's media timeout.
    logger.warn({ liveCalls: inbound.liveCalls }, 'voice: drachtio-server lost; ending live calls');
    inbound.hangUpAll('signallingLost').catch((error: unknown) => {
      logger.error({ err: error }, 'could not end calls after losing drachtio-server');
    });
  });
  freeswitch.onLost(() => {
    // The channels are gone with the socket: end the calls so their records close.
    inbound.hangUpAll('mediaServerLost').catch((error: unknown) => {
      logger.error({ err: error }, 'could not end calls after losing FreeSWITCH');
    });
  });
  // Resolves after the first attempt whatever its outcome; retries run on their own.
  freeswitch.start().catch((error: unknown) => {
    logger.error({ err: error }, 'FreeSWITCH connection did not start');
  });

  // Callbacks and click-to-dial share the second half: dial the customer, bridge, record.
  const callbacks = new CallbackCall({
    dialer,
    calls,
    records,
    recorder,
    callerNumber: config.voice.callbackCallerId ?? '',
    clock,
    ids,
    logger,
  });
  const clickToDial = new ClickToDialCall({
    devices: registrations,
    ringer,
    customer: callbacks,
    records,
    outboundUri: config.voice.outboundUri,
    callerNumber: config.voice.callbackCallerId ?? '',
    clock,
    ids,
    engagements: routing.desk,
    logger: logger.child({ component: 'click-to-dial' }),
  });
  const offers = new OfferRinger({
    feed: routing.feed,
    desk: routing.desk,
    ringTimedOut: (id) => routing.deadlines.fire({ kind: 'ring', id, dueAt: clock.now() }),
    devices: registrations,
    ringer,
    records,
    legs,
    prompts,
    whisperLanguage: config.voice.whisperLanguage,
    clock,
    logger: logger.child({ component: 'offers' }),
    callbacks,
    refers: new AgentRefer({
      calls,
      dialer,
      logger,
      allowedNumberPrefixes: config.voice.transferNumberPrefixes,
    }),
  });
  offers.start();
  const orphans = new OrphanReconciler({
    mediaServer,
    owned,
    clock,
    logger,
    intervalMs: config.media.orphanSweepMs,
  });
  orphans.start();

  const queueRows = new QueueRepository(db);
  // Transfer and consultation targets: agents engaged in routing, numbers through the carrier.
  const targets = new TransferTargetCall({
    devices: registrations,
    ringer,
    dialer,
    engagements: routing.desk,
    records,
    clock,
    logger: logger.child({ component: 'transfer' }),
  });
  const liveCalls = new MediaLiveCallControl({
    targets,
    consultations: new Consultations({
      targets,
      notice: consultationStreamNotice(redis, routing.commands.keys.events(), logger),
      clock,
      logger: logger.child({ component: 'consultation' }),
    }),
    calls,
    devices: registrations,
    ringer,
    dialer,
    records,
    queues: new QueueTransfer({
      acd: routing.acd,
      desk: routing.desk,
      // The API names queues by row id; routing knows them by name.
      routingName: async (queueId) =>
        uuidPattern.test(queueId) ? (await queueRows.findById(queueId))?.name : undefined,
      logger: logger.child({ component: 'queue-transfer' }),
    }),
    notice: supervisionNotice(
      [
        auditLogNotice(new AuditRepository(db)),
        eventStreamNotice(redis, routing.commands.keys.events()),
      ],
      logger,
    ),
    clock,
    logger,
  });

  const probes: ReadinessProbe[] = [
    stateProbe('drachtio', () => signalling.state(), config.drachtio),
    stateProbe('freeswitch', () => freeswitch.state, config.freeswitch),
  ];

  let drained: Promise<void> | undefined;
  const drain = (): Promise<void> => {
    drained ??= (async () => {
      draining = true;
      logger.info({ liveCalls: inbound.liveCalls }, 'voice: taking no new calls');
      // Offers keep ringing agents meanwhile: queued callers may still be answered.
      const deadline = waitFor(clock, config.shutdownDrainMs);
      const allEnded = Promise.allSettled([...handling, clickToDial.settled()]).then(
        () => 'ended' as const,
      );
      if ((await Promise.race([allEnded, deadline.elapsed])) !== 'ended') {
        logger.warn({ liveCalls: inbound.liveCalls }, 'voice: drain deadline passed; hanging up');
        // Bounded: a hang-up or teardown nobody answers must not hold shutdown.
        const hungUp = Promise.allSettled([inbound.hangUpAll('normal'), ...handling]);
        if ((await settleWithin(clock, hangUpLimitMs, hungUp)) === 'timedOut') {
          logger.error(
            { liveCalls: inbound.liveCalls },
            'voice: calls did not end after hang-up; closing anyway',
          );
        }
      }
      deadline.cancel();
      await offers.close();
      await orphans.stop();
    })();
    return drained;
  };

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await drain();
      if (!(await writer.drain())) {
        logger.error(
          { pending: writer.pending, spooled: spool !== undefined },
          spool === undefined
            ? 'voice: call records left unwritten'
            : 'voice: call records left in the spool for the next start',
        );
      }
      writer.close();
      spool?.close();
      await openCalls.stop();
      freeswitch.close();
      signalling.close();
    })();
    return closed;
  };

  return {
    liveCalls,
    clickToDial: {
      // Like a new INVITE while draining: refused, the service is about to stop.
      unavailable: () => (draining ? shuttingDown() : clickToDial.unavailable()),
      dial: (agentId, number) =>
        draining ? Promise.reject(shuttingDown()) : clickToDial.dial(agentId, number),
    },
    probes,
    drain,
    close,
  };
}

/** After the drain deadline, how long hanging up the remaining calls may take. */
const hangUpLimitMs = 10_000;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function voiceOff(): SwitchboardError {
  return new SwitchboardError(
    'unavailable',
    'Outbound calls are off: the voice path is turned off (VOICE_ENABLED=false)',
    { reason: 'voice-unavailable' },
  );
}

function shuttingDown(): SwitchboardError {
  return new SwitchboardError('unavailable', 'Switchboard is shutting down; dial again shortly', {
    reason: 'voice-unavailable',
  });
}

/** The API-only shape: nothing connects, live-call actions are refused. */
function disabledVoicePath(): VoicePath {
  const unavailable = () =>
    Promise.reject(
      new SwitchboardError('unavailable', 'The voice path is turned off (VOICE_ENABLED=false)'),
    );
  const disabled = (name: string): ReadinessProbe => ({
    name,
    required: false,
    check: () => Promise.reject(new Error('disabled')),
  });
  return {
    liveCalls: {
      supervise: unavailable,
      transfer: unavailable,
      pauseRecording: unavailable,
      resumeRecording: unavailable,
      hold: unavailable,
      resume: unavailable,
      mute: unavailable,
      unmute: unavailable,
      sendDtmf: unavailable,
      hangUpAgent: unavailable,
      controls: () => Promise.resolve(undefined),
      consult: unavailable,
      completeConsultation: unavailable,
      cancelConsultation: unavailable,
    },
    clickToDial: {
      unavailable: voiceOff,
      dial: () => Promise.reject(voiceOff()),
    },
    probes: [disabled('drachtio'), disabled('freeswitch')],
    drain: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** Reports a connection's own state word: `connected`, or why not (`connecting to host:port`). */
function stateProbe(
  name: string,
  state: () => SignallingState | MediaServerState,
  address: { readonly host: string; readonly port: number },
): ReadinessProbe {
  return {
    name,
    required: false,
    check() {
      const now = state();
      if (now === 'connected')
        return Promise.resolve(`connected to ${address.host}:${address.port}`);
      const where = now === 'closed' ? '' : ` to ${address.host}:${address.port}`;
      return Promise.reject(new Error(`${now}${where}`));
    },
  };
}

/** New calls are refused (503, Retry-After) once draining starts; the rest is admission control. */
function drainingAdmission(admission: Admission, draining: () => boolean): Admission {
  return {
    admit: (server) =>
      draining()
        ? { admitted: false, retryAfterSeconds: 5, why: 'shutting down' }
        : admission.admit(server),
  };
}

/** Numbers need SIP_OUTBOUND_URI; without it they are refused with a reason, SIP URIs still dial. */
function outboundDialer(dialer: OutboundDialer, numberUri: string | undefined): Dialer {
  if (numberUri !== undefined) return dialer;
  return {
    dial: (destination, options) =>
      /^sips?:/i.test(destination)
        ? dialer.dial(destination, options)
        : Promise.reject(
            new SwitchboardError(
              'unavailable',
              `Cannot dial ${destination}: SIP_OUTBOUND_URI is not set, so numbers have no carrier to go to`,
            ),
          ),
  };
}

/** SIP_NONCE_SECRET, or a random one for this process (nonces then only verify here). */
function nonceSecret(config: Config, logger: Logger): string {
  if (config.sip.nonceSecret !== undefined) return config.sip.nonceSecret;
  logger.warn(
    'SIP_NONCE_SECRET is not set: using a random one for this process; set it when running more than one instance',
  );
  return randomBytes(32).toString('hex');
}

/** A timer on the call clock that can be awaited and cancelled. */
function waitFor(clock: CallClock, ms: number) {
  let handle: unknown;
  const elapsed = new Promise<'elapsed'>((resolve) => {
    handle = clock.setTimeout(() => resolve('elapsed'), ms);
  });
  return { elapsed, cancel: () => clock.clearTimeout(handle) };
}
