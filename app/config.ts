import { z } from 'zod';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import { deepFreeze } from '../platform/deep-freeze.ts';

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveSeconds = z.coerce
  .number({ message: 'must be a number of seconds' })
  .positive('must be greater than 0');

/**
 * Every setting Switchboard reads, by environment variable. Defaults work on a
 * fresh machine with local Postgres, Redis, drachtio-server and FreeSWITCH.
 */
const environmentSchema = z.object({
  // Where call records, tickets and users live.
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://127.0.0.1:5432/switchboard'),
  // Where the ACD keeps queues and agent state, and where events stream.
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  // Every Redis key starts with this, so several deployments (or test runs) share one Redis.
  REDIS_KEY_PREFIX: z.string().min(1, 'must not be empty').default('sb:'),
  // Interface and port of the HTTP API and web desktops.
  HTTP_HOST: z.string().min(1, 'must not be empty').default('0.0.0.0'),
  HTTP_PORT: port.default(3000),
  // drachtio-server's command socket, where SIP signalling is controlled.
  DRACHTIO_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DRACHTIO_PORT: port.default(9022),
  DRACHTIO_SECRET: z.string().min(1, 'must not be empty').default('cymru'),
  // FreeSWITCH event socket, where media is controlled.
  FREESWITCH_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  FREESWITCH_PORT: port.default(8021),
  FREESWITCH_SECRET: z.string().min(1, 'must not be empty').default('ClueCon'),
  // Browser sessions: mark the cookie Secure when served over HTTPS (it then never travels in clear).
  SESSION_COOKIE_SECURE: flag.default(false),
  // How long a desktop login lasts: one long shift.
  SESSION_HOURS: z.coerce
    .number({ message: 'must be a number of hours' })
    .positive('must be greater than 0')
    .max(168, 'must be at most 168')
    .default(12),
  // Audit entries anyone can cause (refused log-ins per address, refusals per user) per minute;
  // the rest are counted into the next entry (api/audit/audit-budget.ts).
  AUDIT_REFUSALS_PER_MINUTE: z.coerce
    .number({ message: 'must be a number of entries' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000')
    .default(10),
  // Strip card and national-id numbers from chat/email bodies before they are stored (PCI scope).
  REDACT_MESSAGE_BODIES: flag.default(true),
  // SIP digest realm for agent phones; must match sip_credentials.realm.
  SIP_REALM: z.string().min(1, 'must not be empty').default('switchboard'),
  // Signs digest nonces so any instance can check them. Unset: a random one per process (single instance only).
  SIP_NONCE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // Where FreeSWITCH reads prompts (<language>/<name>.wav): mount flows/prompts there.
  FREESWITCH_PROMPTS_DIR: z
    .string()
    .min(1, 'must not be empty')
    .default('/usr/share/switchboard/prompts'),
  // Where FreeSWITCH writes recordings and voicemail; the API streams them from RECORDINGS_DIR.
  FREESWITCH_RECORDINGS_DIR: z
    .string()
    .min(1, 'must not be empty')
    .default('/var/lib/switchboard/recordings'),
  // Ceiling of the adaptive admission rate (new calls per second); the excess
  // gets 503 + Retry-After. Below it the rate follows what the media server
  // sets up in time, so it need not be a capacity measured on one host. The
  // default is 80% of FreeSWITCH's own sessions-per-second (100 in
  // docker/freeswitch): with the burst allowance (a quarter second) no second
  // asks FreeSWITCH for more sessions than it allows.
  MEDIA_MAX_CALLS_PER_SECOND: z.coerce
    .number({ message: 'must be a number' })
    .positive('must be greater than 0')
    .default(80),
  // Calls this process holds at once.
  MEDIA_MAX_CALLS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .default(1000),
  // New calls are refused (503) while FreeSWITCH reports less idle CPU than this, in % (0 turns the check off).
  MEDIA_MIN_IDLE_CPU: z.coerce
    .number({ message: 'must be a number' })
    .min(0, 'must be 0 to 100')
    .max(100, 'must be 0 to 100')
    .default(15),
  // Where numbers are dialled (transfers, callbacks): a SIP URI with {number}, e.g. sip:{number}@carrier.example. Unset: dialling a number is refused.
  SIP_OUTBOUND_URI: z
    .string()
    .regex(/^sips?:.*\{number\}/i, 'must be a sip: URI containing {number}')
    .optional(),
  // New INVITEs one source address may send per second; past it the address gets 503 for a minute (floods, scans).
  SIP_INVITES_PER_SOURCE: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(30),
  // Phones registered from one source address at once (every user); more get 403. SIP_TRUSTED_SOURCES are exempt.
  SIP_REGISTRATIONS_PER_SOURCE: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(200),
  // Addresses or CIDR ranges never limited, e.g. the carrier's SBCs that send every call: 203.0.113.0/28,198.51.100.7.
  SIP_TRUSTED_SOURCES: z
    .string()
    .regex(
      /^[0-9a-fA-F:.]+(\/\d{1,3})?(,[0-9a-fA-F:.]+(\/\d{1,3})?)*$/,
      'must be addresses or CIDR ranges separated by commas',
    )
    .optional(),
  // Number prefixes an agent's phone may transfer to by REFER (toll fraud otherwise), e.g. +1,+44. Unset: REFER transfers are refused.
  SIP_TRANSFER_NUMBERS: z
    .string()
    .regex(/^\+\d{1,15}(,\+\d{1,15})*$/, 'must be E.164 prefixes separated by commas, e.g. +1,+44')
    .optional(),
  // Where agents' browsers reach drachtio-server's SIP-over-WebSocket contact (the browser softphone), e.g. wss://sip.example.com:8443; commas for several. Unset: no browser softphone.
  SIP_WS_URI: z
    .string()
    .regex(
      /^wss?:\/\/[^\s,]+(,wss?:\/\/[^\s,]+)*$/i,
      'must be ws:// or wss:// addresses separated by commas',
    )
    .optional(),
  // STUN/TURN servers for the browser softphone's media, e.g. stun:stun.example.com:3478; commas for several. Unset: host candidates only (same network as FreeSWITCH).
  WEBRTC_ICE_SERVERS: z
    .string()
    .regex(
      /^(stuns?|turns?):[^\s,]+(,(stuns?|turns?):[^\s,]+)*$/i,
      'must be stun: or turn: URLs separated by commas',
    )
    .optional(),
  // The number customers see when an agent calls them back. Unset: the call is anonymous.
  SIP_CALLBACK_CALLER_ID: z.string().min(1, 'must not be empty').optional(),
  // Language the agent hears the offer whisper in (queue, caller); FreeSWITCH needs a TTS voice for it.
  OFFER_WHISPER_LANGUAGE: z.string().min(2, 'must be a language tag such as en').default('en'),
  // Time between sweeps that end FreeSWITCH sessions no live call owns (left by a crash or a lost socket).
  MEDIA_ORPHAN_SWEEP_SECONDS: positiveSeconds.default(30),
  // Where FreeSWITCH's outbound event sockets connect back to this process. Unset: fsmrf picks this host's first non-internal IPv4.
  FSMRF_LISTEN_ADDRESS: z.string().min(1, 'must not be empty').optional(),
  // Port of those event sockets. Unset: any free port.
  FSMRF_LISTEN_PORT: port.optional(),
  // Take calls at all: false runs the API and ACD only (no drachtio or FreeSWITCH connections), e.g. for API-only instances and tests.
  VOICE_ENABLED: flag.default(true),
  // Admin-authored IVR flow files.
  FLOWS_DIR: z.string().min(1, 'must not be empty').default('flows'),
  // FREESWITCH_RECORDINGS_DIR as this process (and the API) sees it: size,
  // checksum and streaming of what FreeSWITCH wrote. Relative by default, for
  // a checkout; docker/compose.yaml mounts one volume at the same path for both.
  RECORDINGS_DIR: z.string().min(1, 'must not be empty').default('var/recordings'),
  // Where call records go while Postgres is unreachable, past the 50,000 kept
  // in memory, and what is still unwritten at shutdown; the next start writes
  // them. One directory per process, on a disk that survives restarts.
  CALL_RECORD_SPOOL_DIR: z.string().min(1, 'must not be empty').default('var/spool/call-records'),
  // How long SIGTERM waits for live calls and requests before closing anyway.
  SHUTDOWN_DRAIN_SECONDS: positiveSeconds.default(30),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

export type EnvironmentVariable = keyof z.input<typeof environmentSchema>;

export interface Config {
  readonly databaseUrl: string;
  readonly redis: { readonly url: string; readonly keyPrefix: string };
  readonly http: { readonly host: string; readonly port: number };
  readonly drachtio: { readonly host: string; readonly port: number; readonly secret: string };
  readonly freeswitch: { readonly host: string; readonly port: number; readonly secret: string };
  readonly sessions: { readonly secureCookies: boolean; readonly seconds: number };
  /** Audit entries anyone can cause, per source address or user and minute. */
  readonly auditRefusalsPerMinute: number;
  readonly redactMessageBodies: boolean;
  readonly sip: {
    readonly realm: string;
    readonly nonceSecret: string | undefined;
    /** The browser softphone's WebSocket servers (SIP_WS_URI); empty: no softphone. */
    readonly webSocketUris: readonly string[];
    readonly iceServerUrls: readonly string[];
  };
  readonly media: {
    readonly promptsDir: string;
    readonly recordingsDir: string;
    readonly maxCallsPerSecond: number;
    readonly maxCalls: number;
    readonly minIdleCpu: number;
    readonly orphanSweepMs: number;
    readonly listenAddress: string | undefined;
    readonly listenPort: number | undefined;
    /** Call records past the memory bound while Postgres is away (a directory). */
    readonly callRecordSpoolDir: string;
  };
  readonly voice: {
    readonly enabled: boolean;
    readonly outboundUri: string | undefined;
    readonly callbackCallerId: string | undefined;
    readonly whisperLanguage: string;
    /** New INVITEs per second one source address may send. */
    readonly invitesPerSource: number;
    /** Phones registered from one source address at once. */
    readonly registrationsPerSource: number;
    /** Addresses and CIDR ranges never limited (carrier SBCs). */
    readonly trustedSources: readonly string[];
    /** Number prefixes REFER from an agent's phone may dial (`+1`, `+44`); empty: none. */
    readonly transferNumberPrefixes: readonly string[];
  };
  readonly flowsDir: string;
  readonly recordingsDir: string;
  readonly shutdownDrainMs: number;
  readonly logLevel: string;
}

/** Every setting by variable name, for the README table and `switchboard config`. */
export const configVariables = Object.keys(environmentSchema.shape) as EnvironmentVariable[];

/**
 * Parses the environment once at start-up into a frozen config. Every invalid
 * variable is reported, each by name with what is wrong.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    throw new SwitchboardError(
      'config_invalid',
      `Invalid configuration:\n  ${problems.join('\n  ')}`,
      { problems },
    );
  }
  const e = parsed.data;
  return deepFreeze({
    databaseUrl: e.DATABASE_URL,
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    drachtio: { host: e.DRACHTIO_HOST, port: e.DRACHTIO_PORT, secret: e.DRACHTIO_SECRET },
    freeswitch: { host: e.FREESWITCH_HOST, port: e.FREESWITCH_PORT, secret: e.FREESWITCH_SECRET },
    sessions: {
      secureCookies: e.SESSION_COOKIE_SECURE,
      seconds: Math.round(e.SESSION_HOURS * 3600),
    },
    auditRefusalsPerMinute: e.AUDIT_REFUSALS_PER_MINUTE,
    redactMessageBodies: e.REDACT_MESSAGE_BODIES,
    sip: {
      realm: e.SIP_REALM,
      nonceSecret: e.SIP_NONCE_SECRET,
      webSocketUris: e.SIP_WS_URI?.split(',') ?? [],
      iceServerUrls: e.WEBRTC_ICE_SERVERS?.split(',') ?? [],
    },
    media: {
      promptsDir: e.FREESWITCH_PROMPTS_DIR,
      recordingsDir: e.FREESWITCH_RECORDINGS_DIR,
      maxCallsPerSecond: e.MEDIA_MAX_CALLS_PER_SECOND,
      maxCalls: e.MEDIA_MAX_CALLS,
      minIdleCpu: e.MEDIA_MIN_IDLE_CPU,
      orphanSweepMs: e.MEDIA_ORPHAN_SWEEP_SECONDS * 1000,
      listenAddress: e.FSMRF_LISTEN_ADDRESS,
      listenPort: e.FSMRF_LISTEN_PORT,
      callRecordSpoolDir: e.CALL_RECORD_SPOOL_DIR,
    },
    voice: {
      enabled: e.VOICE_ENABLED,
      outboundUri: e.SIP_OUTBOUND_URI,
      callbackCallerId: e.SIP_CALLBACK_CALLER_ID,
      whisperLanguage: e.OFFER_WHISPER_LANGUAGE,
      transferNumberPrefixes: e.SIP_TRANSFER_NUMBERS?.split(',') ?? [],
      invitesPerSource: e.SIP_INVITES_PER_SOURCE,
      registrationsPerSource: e.SIP_REGISTRATIONS_PER_SOURCE,
      trustedSources: e.SIP_TRUSTED_SOURCES?.split(',') ?? [],
    },
    flowsDir: e.FLOWS_DIR,
    recordingsDir: e.RECORDINGS_DIR,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
  });
}
