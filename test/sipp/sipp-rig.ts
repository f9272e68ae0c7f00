/**
 * Test support for the sipp suites (real drachtio-server and FreeSWITCH):
 * whether they run, sipp itself, and the voice path started in-process as
 * `switchboard start` wires it (app/voice-path.ts) on a test database and
 * Redis prefix. Reads
 *   SWITCHBOARD_REAL_SIP=1 (set by `npm run test:sip`), sipp on PATH
 *   DRACHTIO_HOST / DRACHTIO_PORT / DRACHTIO_SECRET      drachtio's admin socket
 *   FREESWITCH_HOST / FREESWITCH_PORT / FREESWITCH_SECRET FreeSWITCH's event socket
 *   SIPP_TARGET   drachtio's SIP address (default 127.0.0.1:5060)
 */
import { execFile, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { startTestRouting } from '../../app/test-twin-voice-path.ts';
import { startVoicePath, type VoicePath } from '../../app/voice-path.ts';
import { systemCallClock } from '../../ivr/call-clock.ts';
import { modeslConnection } from '../../media/freeswitch/esl-command-writes.ts';
import { uuidGenerator } from '../../platform/id-generator.ts';
import { createLogger } from '../../platform/logger.ts';
import type { RedisRouting } from '../../routing/create-redis-routing.ts';
import type { Selectable } from 'kysely';
import type { Database } from '../../sql/database.ts';
import type { TestDatabase } from '../test-database.ts';
import type { TestRedis } from '../test-redis.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const repository = path.resolve(here, '../..');
const env = process.env;

async function sippOnPath(): Promise<boolean> {
  return run('sipp', ['-v']).then(
    () => true,
    (error: { code?: unknown }) => error.code !== 'ENOENT',
  );
}

/** Why the sipp suites are skipped, or undefined when they run. */
export const sippSkipReason =
  env.SWITCHBOARD_REAL_SIP !== '1'
    ? 'SWITCHBOARD_REAL_SIP is not 1, so no real drachtio-server/FreeSWITCH is used (see media/README.md)'
    : !(await sippOnPath())
      ? 'sipp is not installed (apt-get install sip-tester)'
      : undefined;

/**
 * Shell commands that kill (SIGKILL) and start each real server, for the
 * tests that take a server away mid-call; those tests are skipped, saying
 * so, when any is unset.
 */
export const serverControl = {
  killFreeSwitch: env.SIPP_KILL_FREESWITCH,
  startFreeSwitch: env.SIPP_START_FREESWITCH,
  killDrachtio: env.SIPP_KILL_DRACHTIO,
  startDrachtio: env.SIPP_START_DRACHTIO,
};

/** Why the server-loss tests are skipped, or undefined when they run. */
export const serverLossSkipReason =
  sippSkipReason ??
  (Object.values(serverControl).some((command) => !command)
    ? 'SIPP_KILL_FREESWITCH, SIPP_START_FREESWITCH, SIPP_KILL_DRACHTIO and SIPP_START_DRACHTIO are not all set, and these tests kill and restart the servers'
    : undefined);

/** Runs one of the {@link serverControl} commands; rejects when it fails. */
export async function runControl(command: string | undefined): Promise<void> {
  if (!command) throw new Error('no server control command set');
  await run('bash', ['-c', command], { timeout: 60_000 });
}

/** drachtio's SIP address, where sipp callers send. */
export const sippTarget = env.SIPP_TARGET ?? '127.0.0.1:5060';

export interface Sipp {
  readonly exited: Promise<number>;
  /** sipp's stdout and stderr, for failure messages. */
  output(): string;
  /** Ends sipp (a phone whose server went away waits for nothing). */
  stop(): void;
}

let mediaPorts = Number(env.SIPP_MEDIA_PORT_BASE ?? '16000');

/** Starts one scenario (one call unless `-m` says otherwise); `exited` resolves with sipp's exit code (0: every call succeeded). */
export function sipp(scenario: string, args: readonly string[], timeoutSeconds = 60): Sipp {
  let output = '';
  const child = spawn(
    'sipp',
    [
      '-sf',
      path.join(here, scenario),
      '-m',
      '1',
      '-timeout',
      `${timeoutSeconds}s`,
      '-timeout_error',
      '-nostdin',
      '-i',
      '127.0.0.1',
      // Each sipp its own RTP port, as several run at once.
      '-mp',
      String((mediaPorts += 10)),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = once(child, 'exit').then(([code]) => (code as number | null) ?? -1);
  return { exited, output: () => output, stop: () => child.kill('SIGKILL') };
}

export async function succeeded(run: Sipp): Promise<void> {
  const code = await run.exited;
  expect(code, run.output()).toBe(0);
}

/** Probes until `ok` holds or `ms` pass; returns the last value either way. */
export async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}

/** The voice path on the real servers, with routing on the test Redis. */
export interface RealVoicePath {
  readonly routing: RedisRouting;
  readonly voice: VoicePath;
  close(): Promise<void>;
}

/**
 * The settings (environment variables) of a Switchboard on the real servers
 * for a suite: its test database and Redis prefix, recordings in
 * `recordings`, prompts from the repository, a fresh nonce secret.
 */
export function realServerSettings(options: {
  readonly database: TestDatabase;
  readonly testRedis: TestRedis;
  readonly realm: string;
  readonly recordings: string;
}): Record<string, string | undefined> {
  const { database, testRedis, recordings } = options;
  return {
    DATABASE_URL: database.url,
    REDIS_URL: testRedis.url,
    REDIS_KEY_PREFIX: testRedis.keyPrefix,
    DRACHTIO_HOST: env.DRACHTIO_HOST,
    DRACHTIO_PORT: env.DRACHTIO_PORT,
    DRACHTIO_SECRET: env.DRACHTIO_SECRET,
    FREESWITCH_HOST: env.FREESWITCH_HOST,
    FREESWITCH_PORT: env.FREESWITCH_PORT,
    FREESWITCH_SECRET: env.FREESWITCH_SECRET,
    FSMRF_LISTEN_ADDRESS: env.FSMRF_LISTEN_ADDRESS ?? '127.0.0.1',
    FREESWITCH_PROMPTS_DIR: path.join(repository, 'flows/prompts'),
    FREESWITCH_RECORDINGS_DIR: recordings,
    RECORDINGS_DIR: recordings,
    CALL_RECORD_SPOOL_DIR: path.join(recordings, 'spool'),
    SIP_REALM: options.realm,
    SIP_NONCE_SECRET: randomUUID(),
    SHUTDOWN_DRAIN_SECONDS: '2',
    // These scenarios are not about admission control, and on a small shared test host
    // FreeSWITCH's idle CPU (the whole machine's) dips below the production floor of 15%.
    MEDIA_MIN_IDLE_CPU: env.MEDIA_MIN_IDLE_CPU ?? '0',
    // Every sipp caller and phone sends from 127.0.0.1, as a carrier's SBC
    // would; floods come from elsewhere (127.0.0.2) and meet the limit.
    SIP_TRUSTED_SOURCES: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
}

/**
 * Starts routing and the voice path against the real servers, once the test
 * database holds the flows, numbers, queues and people a suite needs; resolves
 * when drachtio and FreeSWITCH are both connected.
 */
export async function startRealVoicePath(options: {
  readonly database: TestDatabase;
  readonly testRedis: TestRedis;
  readonly realm: string;
}): Promise<RealVoicePath> {
  const { database, testRedis } = options;
  const logger = createLogger({ level: (env.SIPP_LOG_LEVEL as 'warn' | undefined) ?? 'warn' });
  const { routing, redis } = await startTestRouting(database.db, testRedis, logger);
  const recordings = await mkdtemp(path.join(tmpdir(), 'sipp-recordings-'));
  const config = loadConfig(
    realServerSettings({ database, testRedis, realm: options.realm, recordings }),
  );
  const voice = startVoicePath({
    config,
    logger,
    clock: systemCallClock,
    ids: uuidGenerator,
    db: database.db,
    redis,
    routing,
  });
  const states = await until(
    () =>
      Promise.all(
        voice.probes.map((probe) =>
          probe.check().then(
            () => 'ok',
            (error: unknown) => `${probe.name}: ${String(error)}`,
          ),
        ),
      ),
    (all) => all.every((state) => state === 'ok'),
  );
  expect(states).toEqual(['ok', 'ok']);
  return {
    routing,
    voice,
    async close() {
      await voice.close();
      await routing.close();
    },
  };
}

/** A user with SIP credentials (Digest HA1 for `realm`) and queue memberships, by queue name. */
export async function addPhoneUser(
  database: TestDatabase,
  person: {
    readonly name: string;
    readonly role: 'agent' | 'supervisor';
    readonly queues: readonly string[];
    readonly password: string;
    readonly realm: string;
  },
): Promise<string> {
  const user = await database.db
    .insertInto('users')
    .values({
      email: `${person.name}@sipp.example.com`,
      display_name: person.name,
      role: person.role,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ha1 = createHash('md5')
    .update(`${person.name}:${person.realm}:${person.password}`)
    .digest('hex');
  await database.db
    .insertInto('sip_credentials')
    .values({ user_id: user.id, username: person.name, realm: person.realm, ha1 })
    .execute();
  for (const queue of person.queues) {
    const row = await database.db
      .selectFrom('queues')
      .select('id')
      .where('name', '=', queue)
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('queue_members')
      .values({ queue_id: row.id, user_id: user.id })
      .execute();
  }
  return user.id;
}

/** A phone: a SIP user registered from its own local port, with Digest; resolves with sipp's exit code. */
export function registerPhone(user: string, password: string, port: number): Promise<number> {
  return sipp('uac-register-digest.xml', [
    '-p',
    String(port),
    '-s',
    user,
    '-au',
    user,
    '-ap',
    password,
    sippTarget,
  ]).exited;
}

/** One application FreeSWITCH executed, from its CHANNEL_EXECUTE_COMPLETE event. */
export interface ExecutedApplication {
  readonly application: string;
  /** The argument after FreeSWITCH's own expansion (what its log's EXECUTE line prints). */
  readonly data: string;
  /** e.g. `FILE PLAYED`, `FILE NOT FOUND`. */
  readonly response: string;
}

interface EslEvent {
  getHeader(name: string): string | undefined;
}
interface EslConnection {
  api(command: string, args: string, callback: (reply: { getBody(): string }) => void): void;
  events(type: string, events: string): void;
  on(event: string, listener: (event: EslEvent) => void): void;
  disconnect(): void;
}
type EslConnectionConstructor = new (
  host: string,
  port: number,
  password: string,
  ready: () => void,
) => EslConnection;

/** An event-socket connection of the test's own to FreeSWITCH, watching what it executes. */
export interface FreeSwitchWatch {
  /** Applications completed since the watch started (or since the last `clear`). */
  readonly executed: ExecutedApplication[];
  /** Keys FreeSWITCH detected (DTMF events), with the channel they came in on. */
  readonly keys: { readonly channel: string; readonly digit: string }[];
  /** Channels that ended, with the variables FreeSWITCH kept of them (RTP counters, SRTP). */
  readonly hangups: { readonly channel: string; variable(name: string): string | undefined }[];
  clear(): void;
  api(command: string, args?: string): Promise<string>;
  close(): void;
}

export async function watchFreeSwitch(): Promise<FreeSwitchWatch> {
  const Connection = modeslConnection() as unknown as EslConnectionConstructor;
  let connection: EslConnection | undefined;
  await new Promise<void>((resolve) => {
    connection = new Connection(
      env.FREESWITCH_HOST ?? '127.0.0.1',
      Number(env.FREESWITCH_PORT ?? 8021),
      env.FREESWITCH_SECRET ?? 'ClueCon',
      resolve,
    );
  });
  const esl = connection as EslConnection;
  const executed: ExecutedApplication[] = [];
  const keys: FreeSwitchWatch['keys'][number][] = [];
  const hangups: FreeSwitchWatch['hangups'][number][] = [];
  esl.events('plain', 'CHANNEL_EXECUTE_COMPLETE DTMF CHANNEL_HANGUP_COMPLETE');
  esl.on('esl::event::CHANNEL_EXECUTE_COMPLETE::*', (event) => {
    executed.push({
      application: event.getHeader('Application') ?? '',
      data: event.getHeader('Application-Data') ?? '',
      response: event.getHeader('Application-Response') ?? '',
    });
  });
  esl.on('esl::event::DTMF::*', (event) => {
    keys.push({
      channel: event.getHeader('Unique-ID') ?? '',
      digit: event.getHeader('DTMF-Digit') ?? '',
    });
  });
  esl.on('esl::event::CHANNEL_HANGUP_COMPLETE::*', (event) => {
    hangups.push({
      channel: event.getHeader('Unique-ID') ?? '',
      variable: (name) => event.getHeader(`variable_${name}`),
    });
  });
  return {
    executed,
    keys,
    hangups,
    clear: () => {
      executed.splice(0);
      keys.splice(0);
      hangups.splice(0);
    },
    api: (command, args = '') =>
      new Promise((resolve) => esl.api(command, args, (reply) => resolve(reply.getBody()))),
    close: () => esl.disconnect(),
  };
}

/** The `calls` row as the suites read it. */
export type CallRow = Selectable<Database['calls']>;

/**
 * The newest call to `did` started since `since`, once `accept` holds for it
 * (or whatever there is after `ms`). Each suite's calls go to numbers of its
 * own, so the newest one is the call the test just placed.
 */
export function callTo(
  database: TestDatabase,
  did: string,
  since: Date,
  accept: (row: CallRow | undefined) => boolean,
  ms = 30_000,
): Promise<CallRow | undefined> {
  return until(
    () =>
      database.db
        .selectFrom('calls')
        .selectAll()
        .where('did', '=', did)
        .where('started_at', '>=', since)
        .orderBy('started_at', 'desc')
        .executeTakeFirst(),
    accept,
    ms,
  );
}
