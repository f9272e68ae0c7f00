/**
 * The HTTP API on a real port, over a real Postgres database (cloned per
 * file), a real Redis (unique prefix per file) and real routing, with a small
 * two-team world seeded: team A (supervisor `supA`, agent `agentA`, queue A)
 * and team B (`supB`, `agentB`, queue B), one admin, and in each team a
 * contact with a call, recording file, conversation and ticket. Nothing is
 * mocked; live calls go through the in-memory LiveCallControl twin because
 * there is no FreeSWITCH here.
 */
import type { SoftphoneSettings } from '../api/softphone/softphone-routes.ts';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createApi, apiBasePath, type Api } from '../api/api-router.ts';
import type { PasswordHasher } from '../api/auth/password-hasher.ts';
import { startLiveEventServer, type LiveEventServer } from '../api/events/live-event-server.ts';
import { ivrFlowValidator } from '../api/flows/ivr-flow-validator.ts';
import { createHttpApp } from '../api/http-app.ts';
import { webAppRouter } from '../api/web-app/web-app-router.ts';
import { InMemoryClickToDial } from '../api/agent-desk/in-memory-click-to-dial.ts';
import { InMemoryLiveCallControl } from '../api/live-call/in-memory-live-call-control.ts';
import { SequentialIdGenerator } from '../platform/id-generator.ts';
import { systemClock } from '../platform/clock.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestRouting, type TestRouting } from '../routing/test-routing.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { createTestRedis } from './test-redis.ts';

export const testPassword = 'correct horse battery staple';

/** Fast stand-in for argon2 in tests only: the login logic is the same, minus 50 ms per hash. */
export const sha256TestHasher: PasswordHasher = {
  hash: (password) => Promise.resolve(`test$${Buffer.from(password).toString('base64')}`),
  verify: (stored, password) =>
    Promise.resolve(stored === `test$${Buffer.from(password).toString('base64')}`),
};

export interface Team {
  readonly teamId: string;
  readonly supervisorId: string;
  readonly agentId: string;
  readonly queueId: string;
  readonly contactId: string;
  readonly callId: string;
  readonly recordingId: string;
  readonly conversationId: string;
  readonly ticketId: string;
  readonly phone: string;
  readonly email: string;
}

export interface ApiTestServer {
  readonly url: string;
  readonly server: Server;
  readonly api: Api;
  readonly db: TestDatabase;
  readonly routing: TestRouting;
  readonly liveCalls: InMemoryLiveCallControl;
  /** Click-to-dial's twin: SIP_OUTBOUND_URI set, no phone registered until `register`. */
  readonly clickToDial: InMemoryClickToDial;
  readonly live: LiveEventServer;
  /** The event sockets' server goes away (every socket closes, 1001) and comes back, as in a restart. */
  restartLive(whileDown?: () => Promise<void>): Promise<void>;
  readonly streamKey: string;
  readonly recordingsDir: string;
  /** Bytes of every seeded recording file. */
  readonly recordingBytes: Buffer;
  readonly adminId: string;
  readonly a: Team;
  readonly b: Team;
  readonly emails: Readonly<Record<string, string>>;
  /** Logs in and returns the session cookie (`sb_session=...`). */
  login(email: string, password?: string): Promise<string>;
  request(
    method: string,
    pathname: string,
    options?: {
      cookie?: string;
      bearer?: string;
      body?: unknown;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; body: unknown; headers: Headers; text: string }>;
  close(): Promise<void>;
}

export async function startApiTestServer(
  options: {
    /** The browser softphone's settings; absent: `POST /me/softphone` says not configured. */
    readonly softphone?: SoftphoneSettings;
  } = {},
): Promise<ApiTestServer> {
  const database = await createTestDatabase();
  const testRedis = createTestRedis();
  const routing = createTestRouting({ testRedis });
  const { db } = database;
  const recordingsDir = await mkdtemp(path.join(tmpdir(), 'sb-recordings-'));
  const recordingBytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
  const hasher = sha256TestHasher;
  const hash = await hasher.hash(testPassword);

  const emails: Record<string, string> = {};
  const user = async (
    key: string,
    role: 'agent' | 'supervisor' | 'admin',
    teamId: string | null,
  ) => {
    const email = `${key.toLowerCase()}@example.test`;
    emails[key] = email;
    const row = await db
      .insertInto('users')
      .values({ email, display_name: key, role, password_hash: hash, team_id: teamId })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const adminId = await user('admin', 'admin', null);

  const team = async (name: 'A' | 'B'): Promise<Team> => {
    const { id: teamId } = await db
      .insertInto('teams')
      .values({ name: `team-${name}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const supervisorId = await user(`sup${name}`, 'supervisor', teamId);
    await db
      .insertInto('team_supervisors')
      .values({ team_id: teamId, user_id: supervisorId })
      .execute();
    const agentId = await user(`agent${name}`, 'agent', teamId);
    const { id: queueId } = await db
      .insertInto('queues')
      .values({ name: `queue-${name.toLowerCase()}`, team_id: teamId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('queue_members').values({ queue_id: queueId, user_id: agentId }).execute();
    const phone = name === 'A' ? '+15550000001' : '+15550000002';
    const email = `customer-${name.toLowerCase()}@example.org`;
    const { id: contactId } = await db
      .insertInto('contacts')
      .values({ given_name: `Customer ${name}`, attributes: '{}', consent: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('contact_phones')
      .values({ contact_id: contactId, phone, normalized: phone })
      .execute();
    await db.insertInto('contact_emails').values({ contact_id: contactId, email }).execute();
    const callId = randomUUID();
    await db
      .insertInto('calls')
      .values({
        id: callId,
        direction: 'inbound',
        from_number: phone,
        to_number: '+15559990000',
        contact_id: contactId,
        queue_id: queueId,
        agent_id: agentId,
        started_at: new Date(Date.now() - 60_000),
      })
      .execute();
    const file = `call-${name}.wav`;
    await writeFile(path.join(recordingsDir, file), recordingBytes);
    const { id: recordingId } = await db
      .insertInto('recordings')
      .values({
        call_id: callId,
        storage_uri: file,
        started_at: new Date(),
        duration_ms: 1000,
        bytes: recordingBytes.length,
        sha256: '0'.repeat(64),
        masked_intervals: '[]',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: conversationId } = await db
      .insertInto('conversations')
      .values({
        channel: 'chat',
        status: 'assigned',
        contact_id: contactId,
        queue_id: queueId,
        assignee_id: agentId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: ticketId } = await db
      .insertInto('tickets')
      .values({
        subject: `Ticket ${name}`,
        requester_id: contactId,
        assignee_id: agentId,
        queue_id: queueId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await routing.admin.configureQueue({ queueId, ringTimeoutSeconds: 20, wrapUpSeconds: 0 });
    await routing.admin.configureAgent({
      agentId,
      skills: {},
      queues: [{ queueId }],
      capacity: { voice: 1, chat: 0, email: 0 },
    });
    return {
      teamId,
      supervisorId,
      agentId,
      queueId,
      contactId,
      callId,
      recordingId,
      conversationId,
      ticketId,
      phone,
      email,
    };
  };
  const a = await team('A');
  const b = await team('B');

  const logger = createLogger({ level: 'silent' });
  const liveCalls = new InMemoryLiveCallControl(routing.desk);
  const clickToDial = new InMemoryClickToDial('sip:{number}@carrier.example', routing.desk);
  const commands = testRedis.connect();
  const api = createApi({
    db,
    redis: commands,
    keyPrefix: testRedis.keyPrefix,
    clock: systemClock,
    desk: routing.desk,
    liveCalls,
    clickToDial,
    ...(options.softphone === undefined ? {} : { softphone: options.softphone }),
    queueInsight: routing.insight,
    flowValidator: ivrFlowValidator({ promptExists: () => true }),
    recordingsDir,
    secureCookies: false,
    redactStoredMessages: true,
    hasher,
  });
  const app = createHttpApp({
    logger,
    ids: new SequentialIdGenerator('req'),
    connectSources: options.softphone?.webSocketUris ?? [],
    routers: [
      { path: apiBasePath, router: api.router },
      // The built web app, as `switchboard start` serves it (browser tests).
      { path: '/', router: webAppRouter() },
    ],
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const streamKey = routing.commands.keys.events();
  const startLive = () =>
    startLiveEventServer({
      server,
      authenticate: (headers) => api.authenticate(headers),
      scopes: api.scopes,
      readRedis: testRedis.connect(),
      redis: commands,
      streamKey,
      logger,
      onRefused: ({ request, principal, reason }) =>
        void api.denials.record(request, principal, request.path, reason),
    });
  let live = await startLive();

  const request: ApiTestServer['request'] = async (method, pathname, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie !== undefined) headers.cookie = options.cookie;
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${apiBasePath}${pathname}`, {
      method: method.toUpperCase(),
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (recordings, docs page): keep the text.
    }
    return { status: res.status, body, headers: res.headers, text };
  };

  return {
    url,
    server,
    api,
    db: database,
    routing,
    liveCalls,
    clickToDial,
    get live() {
      return live;
    },
    async restartLive(whileDown) {
      await live.close();
      await whileDown?.();
      live = await startLive();
    },
    streamKey,
    recordingsDir,
    recordingBytes,
    adminId,
    a,
    b,
    emails,
    request,
    async login(email, password = testPassword) {
      const res = await request('post', '/auth/login', { body: { email, password } });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text}`);
      const cookie = res.headers.get('set-cookie') ?? '';
      return cookie.split(';')[0] ?? '';
    },
    async close() {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await routing.cleanup();
      await database.cleanup();
      await rm(recordingsDir, { recursive: true, force: true });
    },
  };
}
