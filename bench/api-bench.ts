/**
 * `npm run bench:api`: the agent desktop's hot reads and live-event fan-out,
 * on this machine, with a baseline in the same run.
 *
 * 1. Reads: open-loop at RATE requests/s (default 500) for SECONDS (default
 *    10), after WARMUP_SECONDS (default 3) at the same rate that are not
 *    counted (for the API and the baseline alike), mixing "my conversations", "my tickets" and a contact's 360 view,
 *    each through the full API (session cookie, role scope, validation,
 *    masking, JSON) over HTTP keep-alive. Latency is measured from each
 *    request's scheduled send time, so a stall counts against us
 *    (no coordinated omission). Baseline: the same rows fetched with raw pg
 *    queries at the same rate: the floor any API over this database pays.
 * 2. Fan-out: CLIENTS WebSocket clients (default 5000) subscribed as
 *    supervisors/admins; events appended to the Redis Stream with their send
 *    time; latency is append to client receipt. Baseline: one raw
 *    XREAD BLOCK reader on the same stream (the floor for stream delivery).
 *
 * The load generator (HTTP clients, WebSocket clients) and the fan-out
 * baseline's reader run in child processes so they do not share the server's
 * event loop; all still share this machine's cores, so the figures include
 * the clients' CPU. Printed with the figures: the load average, and the CPU
 * each side used (% of one core), so a saturated load generator shows.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import inspector from 'node:inspector';
import { loadavg } from 'node:os';
import path from 'node:path';
import {
  constants as perfConstants,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
} from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { WebSocket } from 'ws';
import { apiBasePath, createApi } from '../api/api-router.ts';
import { startLiveEventServer } from '../api/events/live-event-server.ts';
import { createHttpApp } from '../api/http-app.ts';
import { InMemoryClickToDial } from '../api/agent-desk/in-memory-click-to-dial.ts';
import { InMemoryLiveCallControl } from '../api/live-call/in-memory-live-call-control.ts';
import { systemClock } from '../platform/clock.ts';
import { uuidGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { createRedisRouting } from '../routing/create-redis-routing.ts';
import { connectDatabase } from '../sql/connect-database.ts';
import { postgresClientOptions } from '../sql/postgres-client-options.ts';
import { assertMigrated, createSchemaMigrator } from '../sql/schema-migrator.ts';
import { adminQuery, databaseUrl } from '../test/postgres-admin.ts';
import { sha256TestHasher } from '../test/api-test-server.ts';

const rate = Number(process.env.RATE ?? 500);
const seconds = Number(process.env.SECONDS ?? 10);
/**
 * Requests at the same rate before the measured window, not counted: a
 * server that has just started is still compiling its hot paths (V8 tiers
 * functions up as they run), and the steady state is what the target is about.
 */
const warmupSeconds = Number(process.env.WARMUP_SECONDS ?? 3);
const clientCount = Number(process.env.CLIENTS ?? 5000);
const fanoutEvents = Number(process.env.EVENTS ?? 100);
const agents = 200;
const queues = 20;
const perAgent = 25;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const fmt = (n: number) => n.toFixed(2);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** CPU this process used since `from`, as % of one core over `ms`. */
function cpuPercent(from: NodeJS.CpuUsage, ms: number): number {
  const used = process.cpuUsage(from);
  return ((used.user + used.system) / 1000 / ms) * 100;
}

/**
 * Starts `count` operations `perSecond` apart, each at its due time (`due`,
 * on performance.now()'s clock) whatever the earlier ones are doing, and
 * waits for all of them.
 */
async function paced(
  count: number,
  perSecond: number,
  each: (i: number, due: number) => Promise<void>,
): Promise<void> {
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i += 1) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(each(i, due));
  }
  await Promise.all(pending);
}

async function openLoop(
  label: string,
  run: (i: number) => Promise<void>,
  pace = { rate, seconds, warmupSeconds },
  /** Called when the warm-up is over and the measured window opens. */
  measuring: () => void = () => undefined,
) {
  const { rate: perSecond, seconds: forSeconds } = pace;
  const warmup = Math.round(perSecond * pace.warmupSeconds);
  await paced(warmup, perSecond, (i) => run(i).catch(() => undefined));
  measuring();
  const pauses = watchPauses();
  const latencies: number[] = [];
  /** Latencies by the second of the run they were scheduled in, to show transients. */
  const bySecond: number[][] = Array.from({ length: Math.ceil(forSeconds) }, () => []);
  let errors = 0;
  const started = performance.now();
  const cpuFrom = process.cpuUsage();
  await paced(perSecond * forSeconds, perSecond, (i, due) =>
    run(warmup + i).then(
      () => {
        const latency = performance.now() - due;
        latencies.push(latency);
        bySecond[Math.floor((due - started) / 1000)]?.push(latency);
      },
      () => void (errors += 1),
    ),
  );
  const paused = pauses.stop();
  const elapsedMs = performance.now() - started;
  const elapsed = elapsedMs / 1000;
  const cpu = cpuPercent(cpuFrom, elapsedMs);
  latencies.sort((a, b) => a - b);
  return {
    label,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    achievedRps: latencies.length / elapsed,
    errors,
    /** CPU of the process issuing the requests, % of one core. */
    cpu,
    /** The issuing process's own stalls: a late send counts as latency. */
    paused,
    p99BySecond: bySecond.map((l) =>
      percentile(
        l.sort((a, b) => a - b),
        99,
      ),
    ),
  };
}

async function main() {
  const name = `sbbench_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  const db = connectDatabase(url, { maxConnections: 10 });
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `sbbench:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const logger = createLogger({ level: 'silent' });
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    assertMigrated(await createSchemaMigrator(db).migrateToLatest());
    console.log(
      `seeding ${agents} agents, ${queues} queues, ${agents * perAgent} conversations/tickets/calls ...`,
    );
    const hash = await sha256TestHasher.hash('bench-password');
    const queueIds = (
      await db
        .insertInto('queues')
        .values(Array.from({ length: queues }, (_, i) => ({ name: `q${i}` })))
        .returning('id')
        .execute()
    ).map((q) => q.id);
    const agentRows = await db
      .insertInto('users')
      .values(
        Array.from({ length: agents }, (_, i) => ({
          email: `agent${i}@bench.test`,
          display_name: `Agent ${i}`,
          role: 'agent' as const,
          password_hash: hash,
        })),
      )
      .returning('id')
      .execute();
    const { id: adminId } = await db
      .insertInto('users')
      .values({
        email: 'admin@bench.test',
        display_name: 'Admin',
        role: 'admin',
        password_hash: hash,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('queue_members')
      .values(agentRows.map((a, i) => ({ queue_id: queueIds[i % queues]!, user_id: a.id })))
      .execute();
    const contactOf: string[] = [];
    for (const [i, agent] of agentRows.entries()) {
      const queueId = queueIds[i % queues]!;
      const contacts = await db
        .insertInto('contacts')
        .values(
          Array.from({ length: perAgent }, (_, k) => ({
            given_name: `C${i}-${k}`,
            attributes: '{}',
            consent: '{}',
          })),
        )
        .returning('id')
        .execute();
      await db
        .insertInto('contact_phones')
        .values(
          contacts.map((c, k) => ({
            contact_id: c.id,
            phone: `+1555${String(i * perAgent + k).padStart(7, '0')}`,
            normalized: `+1555${String(i * perAgent + k).padStart(7, '0')}`,
          })),
        )
        .execute();
      await db
        .insertInto('conversations')
        .values(
          contacts.map((c) => ({
            channel: 'chat' as const,
            status: 'assigned' as const,
            contact_id: c.id,
            queue_id: queueId,
            assignee_id: agent.id,
          })),
        )
        .execute();
      await db
        .insertInto('tickets')
        .values(
          contacts.map((c, k) => ({
            subject: `T${k}`,
            requester_id: c.id,
            assignee_id: agent.id,
            queue_id: queueId,
          })),
        )
        .execute();
      await db
        .insertInto('calls')
        .values(
          contacts.map((c, k) => ({
            id: randomUUID(),
            direction: 'inbound' as const,
            from_number: '+15550001111',
            to_number: '+15559990000',
            contact_id: c.id,
            queue_id: queueId,
            agent_id: agent.id,
            started_at: new Date(Date.now() - k * 60_000),
          })),
        )
        .execute();
      contactOf.push(contacts[0]!.id);
    }
    // A database that has been serving a while has statistics, vacuumed
    // tables (hint bits set, so reads dirty no pages) and no backlog of
    // freshly written pages. Without this, autovacuum's first pass over the
    // seed rows and the write-out of the seed data land in the measured
    // window as I/O stalls.
    await sql`VACUUM (ANALYZE)`.execute(db);
    await sql`CHECKPOINT`.execute(db);

    const routing = createRedisRouting({
      redis,
      blockingRedis: new Redis(redisUrl, { maxRetriesPerRequest: null }),
      keyPrefix: prefix,
      clock: systemClock,
      ids: uuidGenerator,
      logger,
    });
    cleanups.push(() => routing.close());
    const api = createApi({
      db,
      redis,
      keyPrefix: prefix,
      clock: systemClock,
      desk: routing.desk,
      liveCalls: new InMemoryLiveCallControl(),
      // No carrier in the bench: dialling out is refused, as without SIP_OUTBOUND_URI.
      clickToDial: new InMemoryClickToDial(undefined),
      flowValidator: { validate: () => [] },
      recordingsDir: '/nonexistent',
      secureCookies: false,
      redactStoredMessages: true,
      hasher: sha256TestHasher,
    });
    cleanups.push(() => Promise.resolve(api.close()));
    // What a started server does by itself before its first request: open the
    // pool's connections and prepare the hot statements (see createApi).
    await api.ready;
    const app = createHttpApp({
      logger,
      ids: uuidGenerator,
      routers: [{ path: apiBasePath, router: api.router }],
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    server.keepAliveTimeout = 60_000;
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    );
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${apiBasePath}`;
    const login = async (email: string) => {
      const res = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'bench-password' }),
      });
      if (res.status !== 200) throw new Error(`login ${res.status}`);
      return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    };
    const cookies: string[] = [];
    for (let i = 0; i < agents; i += 1) cookies.push(await login(`agent${i}@bench.test`));

    // --- reads ---
    const loadBefore = load();
    const readers = startChild({ mode: 'reads', base, cookies, contactOf });
    await readers.next<{ ready: true }>();
    // The desktops' connections are open: wait until the server has taken them all.
    for (let waited = 0; (await connectionsOf(server)) < agents && waited < 5_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await readers.next<{ measuring: true }>();
    const serverCpuFrom = process.cpuUsage();
    const readsStarted = performance.now();
    const stopReadsProfile = await startProfile('server-reads');
    const watch = watchServer(server);
    const ours = await readers.next<ReadResult>();
    const serverSide = watch.stop();
    await stopReadsProfile();
    const serverCpu = cpuPercent(serverCpuFrom, performance.now() - readsStarted);
    readers.stop();
    const pool = new pg.Pool({ ...postgresClientOptions(url), max: 10 });
    cleanups.push(() => pool.end());
    // Connected before it starts, like the API's pool after its warm-up.
    const held = await Promise.all(Array.from({ length: 10 }, () => pool.connect()));
    for (const client of held) client.release();
    const agentIds = agentRows.map((a) => a.id);
    const floor = await openLoop('baseline: raw pg queries', async (i) => {
      const agentId = agentIds[i % agents]!;
      switch (i % 3) {
        case 0:
          await pool.query(
            'SELECT * FROM conversations WHERE assignee_id = $1 ORDER BY updated_at DESC LIMIT 20',
            [agentId],
          );
          break;
        case 1:
          await pool.query(
            'SELECT * FROM tickets WHERE assignee_id = $1 ORDER BY updated_at DESC LIMIT 20',
            [agentId],
          );
          break;
        default:
          await pool.query(
            'SELECT c.*, (SELECT json_agg(p) FROM contact_phones p WHERE p.contact_id = c.id) phones FROM contacts c WHERE c.id = $1',
            [contactOf[i % agents]],
          );
      }
    });

    // --- fan-out ---
    const live = await startLiveEventServer({
      server,
      authenticate: (h) => api.authenticate(h),
      scopes: api.scopes,
      readRedis: new Redis(redisUrl),
      redis,
      streamKey: `${prefix}acd:events`,
      logger,
    });
    cleanups.unshift(() => live.close());
    const adminCookie = await login('admin@bench.test');
    void adminId;
    const wsUrl = base.replace('http', 'ws') + '/events?topics=queue';
    const clients = startChild({ mode: 'fanout', wsUrl, adminCookie });
    const { connected } = await clients.next<{ connected: number }>();
    // The baseline reader runs in a process of its own: in this one it would
    // wait behind the server's fan-out writes and measure them, not Redis.
    const floorReader = startChild({ mode: 'floor', redisUrl, streamKey: `${prefix}acd:events` });
    await floorReader.next<{ reading: true }>();
    const fanoutCpuFrom = process.cpuUsage();
    const fanoutStarted = performance.now();
    const stopFanoutProfile = await startProfile('server-fanout');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let e = 0; e < fanoutEvents; e += 1) {
      await redis.xadd(
        `${prefix}acd:events`,
        '*',
        'type',
        'queue.configured',
        'queueId',
        queueIds[0]!,
        'sentAt',
        String(performance.timeOrigin + performance.now()),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const expected = connected * fanoutEvents;
    clients.send({ expected });
    const { deliveries, cpu: clientsCpu } = await clients.next<{
      deliveries: number[];
      cpu: number;
    }>();
    const fanoutServerCpu = cpuPercent(fanoutCpuFrom, performance.now() - fanoutStarted);
    await stopFanoutProfile();
    clients.stop();
    floorReader.send({ expected: fanoutEvents });
    const floorDeliveries = (await floorReader.next<{ deliveries: number[] }>()).deliveries;
    floorReader.stop();
    const loadAfter = load();
    deliveries.sort((a, b) => a - b);
    floorDeliveries.sort((a, b) => a - b);

    console.log(
      `\ncommand: RATE=${rate} SECONDS=${seconds} WARMUP_SECONDS=${warmupSeconds} CLIENTS=${clientCount} EVENTS=${fanoutEvents} npm run bench:api   (node ${process.version})`,
    );
    console.log(`load average (1/5/15 min): before ${loadBefore}, after ${loadAfter}`);
    console.log(
      `\nhot reads at ${rate} req/s for ${seconds} s, after ${warmupSeconds} s at the same rate not counted (mix: my conversations, my tickets, contact 360)`,
    );
    for (const r of [ours, floor]) {
      console.log(
        `  ${r.label.padEnd(34)} p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms  max ${fmt(r.max)} ms  achieved ${r.achievedRps.toFixed(0)} of ${rate} req/s  errors ${r.errors}  client CPU ${r.cpu.toFixed(0)}%` +
          `, client stalls: event loop delay max ${fmt(r.paused.loopMax)} ms, GC longest ${fmt(r.paused.gcMax)} ms`,
      );
    }
    for (const r of [ours, floor]) {
      const who = r === ours ? 'API' : 'baseline';
      console.log(
        `  p99 by second, ${who}: ${r.p99BySecond.map((v) => v.toFixed(0)).join(' ')} ms`,
      );
    }
    console.log(
      `  p99 by second, inside the API server: ${serverSide.p99BySecond.map((v) => v.toFixed(0)).join(' ')} ms`,
    );
    console.log(
      `  API server process CPU during the API reads: ${serverCpu.toFixed(0)}% of one core (${((serverCpu * 10) / ours.achievedRps).toFixed(2)} ms per request)`,
    );
    console.log(
      `  inside the server: request to response p50 ${fmt(serverSide.p50)} ms  p99 ${fmt(serverSide.p99)} ms  max ${fmt(serverSide.max)} ms; event loop delay p99 ${fmt(serverSide.loopP99)} ms  max ${fmt(serverSide.loopMax)} ms; GC ${serverSide.gcCount} pauses (${serverSide.majorGcs} major), ${fmt(serverSide.gcTotal)} ms in all, longest ${fmt(serverSide.gcMax)} ms; ${serverSide.newConnections} new HTTP connections`,
    );
    console.log(
      `  ratio API/baseline: p50 ${fmt(ours.p50 / floor.p50)}x  p99 ${fmt(ours.p99 / floor.p99)}x   target p99 <= 20 ms: ${ours.p99 <= 20 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `\nWebSocket fan-out: ${connected} connected clients (asked ${clientCount}), ${fanoutEvents} events, 1 every 50 ms`,
    );
    console.log(
      `  API fan-out (append -> client)    p50 ${fmt(percentile(deliveries, 50))} ms  p99 ${fmt(percentile(deliveries, 99))} ms  max ${fmt(deliveries[deliveries.length - 1] ?? NaN)} ms  delivered ${deliveries.length}/${expected}`,
    );
    console.log(
      `  baseline: one raw XREAD reader    p50 ${fmt(percentile(floorDeliveries, 50))} ms  p99 ${fmt(percentile(floorDeliveries, 99))} ms  delivered ${floorDeliveries.length}/${fanoutEvents}`,
    );
    console.log(
      `  ratio fan-out/baseline p99: ${fmt(percentile(deliveries, 99) / percentile(floorDeliveries, 99))}x   target p99 <= 100 ms: ${percentile(deliveries, 99) <= 100 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `  CPU during fan-out: server process ${fanoutServerCpu.toFixed(0)}%, client process ${clientsCpu.toFixed(0)}% of one core`,
    );
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    await db.destroy();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

type ReadResult = Awaited<ReturnType<typeof openLoop>>;

function connectionsOf(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

/**
 * What the server process saw while the reads ran: its own request-to-response
 * times (the client's latency minus these is time spent before the server
 * read the request: scheduling, sockets), event-loop delay, GC pauses and new
 * client connections. Cheap enough not to change the figures it explains.
 */
/** This process's event-loop delay and GC pauses from now until `stop`. */
function watchPauses() {
  const resolutionMs = 10;
  const loop = monitorEventLoopDelay({ resolution: resolutionMs });
  loop.enable();
  const gcPauses: number[] = [];
  let majorGcs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauses.push(entry.duration);
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      if (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majorGcs += 1;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      loop.disable();
      gc.disconnect();
      return {
        // The histogram records the time between ticks of a 10 ms timer: the delay is what exceeds it.
        loopP99: Math.max(0, loop.percentile(99) / 1e6 - resolutionMs),
        loopMax: Math.max(0, loop.max / 1e6 - resolutionMs),
        gcCount: gcPauses.length,
        gcTotal: gcPauses.reduce((a, b) => a + b, 0),
        gcMax: Math.max(0, ...gcPauses),
        majorGcs,
      };
    },
  };
}

function watchServer(server: Server) {
  const times: number[] = [];
  const watchStarted = performance.now();
  const bySecond: number[][] = [];
  let newConnections = 0;
  const onRequest = (_req: unknown, res: ServerResponse) => {
    const started = performance.now();
    res.once('finish', () => {
      const ms = performance.now() - started;
      times.push(ms);
      (bySecond[Math.floor((started - watchStarted) / 1000)] ??= []).push(ms);
    });
  };
  const onConnection = () => void (newConnections += 1);
  server.prependListener('request', onRequest);
  server.on('connection', onConnection);
  const pauses = watchPauses();
  return {
    stop() {
      server.off('request', onRequest);
      server.off('connection', onConnection);
      const paused = pauses.stop();
      times.sort((a, b) => a - b);
      return {
        p50: percentile(times, 50),
        p99: percentile(times, 99),
        max: times[times.length - 1] ?? NaN,
        ...paused,
        newConnections,
        p99BySecond: Array.from(bySecond, (l = []) =>
          percentile(
            l.sort((a, b) => a - b),
            99,
          ),
        ),
      };
    },
  };
}

/**
 * With PROFILE_DIR set, records a CPU profile of this (the server's) process
 * from now until the returned function is called: `<dir>/<name>.cpuprofile`,
 * for Chrome DevTools or speedscope. Without it, does nothing.
 */
async function startProfile(name: string): Promise<() => Promise<void>> {
  const dir = process.env.PROFILE_DIR;
  if (dir === undefined || dir === '') return () => Promise.resolve();
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    session.disconnect();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}
const sentAtKey = '"sentAt":"';

/** A child process running this file in a load-generator mode. */
function startChild(job: Record<string, unknown>) {
  const child = fork(process.argv[1]!, ['--child'], { execArgv: process.execArgv });
  const inbox: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  child.on('exit', (code) => {
    if (code !== 0) for (const waiter of waiters.splice(0)) waiter({ childExited: code });
  });
  child.on('message', (m) => {
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(m);
    else inbox.push(m);
  });
  child.send(job);
  return {
    next<T>(): Promise<T> {
      if (inbox.length > 0) return Promise.resolve(inbox.shift() as T);
      return new Promise<T>((resolve, reject) =>
        waiters.push((m) => {
          if (typeof m === 'object' && m !== null && 'childExited' in m) {
            reject(new Error(`load generator exited early (${String(m.childExited)})`));
          } else resolve(m as T);
        }),
      );
    },
    send(m: Record<string, unknown>) {
      child.send(m);
    },
    /** Asks the child to exit on its own (so `--cpu-prof` can write its profile); kills it after 5 s. */
    stop() {
      if (child.exitCode !== null) return;
      child.send({ stop: true });
      setTimeout(() => child.kill(), 5_000).unref();
    },
  };
}

/**
 * Runs this load generator's own code (the open loop, the HTTP client) for a
 * second against a stand-in server in this process, so its first measured
 * second is not spent compiling it. Only the generator warms up: no request
 * reaches the API.
 */
async function warmLoadGenerator(): Promise<void> {
  const body = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ i })) });
  const standIn = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  standIn.keepAliveTimeout = 60_000;
  standIn.listen(0, '127.0.0.1');
  await once(standIn, 'listening');
  const client = new KeepAliveClient('127.0.0.1', (standIn.address() as AddressInfo).port);
  await client.open(20);
  await openLoop('warm-up', async () => void (await client.get('/', 'x=1')), {
    rate,
    seconds: 1,
    warmupSeconds: 0,
  });
  standIn.closeAllConnections();
  standIn.close();
}

/**
 * HTTP/1.1 GETs over keep-alive sockets, one request at a time per socket:
 * a minimal client (status line and content-length only), several times
 * cheaper than node:http's, so the load generator keeps its schedule.
 */
class KeepAliveClient {
  private readonly idle: KeepAliveConnection[] = [];
  /** Sockets opened after `open`, because every open one was busy. */
  extraConnections = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async open(count: number): Promise<void> {
    const opened = await Promise.all(Array.from({ length: count }, () => this.connect()));
    this.idle.push(...opened);
  }

  async get(path: string, cookie: string): Promise<number> {
    let connection = this.idle.pop();
    if (connection === undefined) {
      this.extraConnections += 1;
      connection = await this.connect();
    }
    const status = await connection.send(
      `GET ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nCookie: ${cookie}\r\n\r\n`,
    );
    if (connection.usable) this.idle.push(connection);
    return status;
  }

  private connect(): Promise<KeepAliveConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, this.host, () => {
        socket.off('error', reject);
        resolve(new KeepAliveConnection(socket));
      });
      socket.setNoDelay(true);
      socket.once('error', reject);
    });
  }
}

class KeepAliveConnection {
  usable = true;
  private chunks: Buffer[] = [];
  private received = 0;
  private expected = -1;
  private status = 0;
  private waiting: { resolve: (status: number) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      this.usable = false;
      this.waiting?.reject(error);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  send(request: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (this.expected < 0) {
      const head = Buffer.concat(this.chunks);
      this.chunks = [head];
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      const text = head.toString('latin1', 0, end);
      this.status = Number(text.slice(9, 12));
      const length = /\r\ncontent-length: *(\d+)/i.exec(text);
      this.expected = end + 4 + (length === null ? 0 : Number(length[1]));
    }
    if (this.received < this.expected) return;
    const waiting = this.waiting;
    this.chunks = [];
    this.received = 0;
    this.expected = -1;
    this.waiting = undefined;
    waiting?.resolve(this.status);
  }
}

/**
 * A WebSocket client reduced to what the fan-out measurement needs: the
 * upgrade request, then unmasked server frames (text handed to `onText` with
 * the time its bytes arrived; pings answered; the rest ignored). Several times
 * cheaper per message than the ws library's client, so 5,000 clients in one
 * process add less of their own delay to what they measure. Returns a
 * function that closes the socket.
 */
function openLeanWebSocket(
  url: URL,
  cookie: string,
  onText: (payload: Buffer, receivedAt: number) => void,
): () => void {
  const socket = connect(Number(url.port), url.hostname);
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  socket.write(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
      `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nCookie: ${cookie}\r\n\r\n`,
  );
  let upgraded = false;
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const receivedAt = performance.timeOrigin + performance.now();
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    if (!upgraded) {
      const end = pending.indexOf('\r\n\r\n');
      if (end === -1) return;
      if (!pending.toString('latin1', 0, 12).endsWith('101')) {
        socket.destroy();
        return;
      }
      upgraded = true;
      pending = pending.subarray(end + 4);
    }
    for (;;) {
      if (pending.length < 2) return;
      const opcode = pending[0]! & 0x0f;
      let length = pending[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (pending.length < 10) return;
        length = Number(pending.readBigUInt64BE(2));
        offset = 10;
      }
      if (pending.length < offset + length) return;
      const payload = pending.subarray(offset, offset + length);
      pending = pending.subarray(offset + length);
      if (opcode === 1) onText(payload, receivedAt);
      else if (opcode === 9) {
        // Pong, masked (a client's frames must be) with a zero mask.
        socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | length, 0, 0, 0, 0]), payload]));
      }
    }
  });
  return () => socket.destroy();
}

/** Load-generator side: answers the parent over IPC, then exits. */
async function child(): Promise<void> {
  const [job] = (await once(process, 'message')) as [Record<string, unknown>];
  if (job.mode === 'reads') {
    const { base, cookies, contactOf } = job as unknown as {
      base: string;
      cookies: string[];
      contactOf: string[];
    };
    const path = (i: number) =>
      i % 3 === 0
        ? '/conversations?limit=20'
        : i % 3 === 1
          ? '/tickets?limit=20'
          : `/contacts/${contactOf[i % agents]!}`;
    // Every desktop is connected before the measurement starts, as a browser
    // holds its keep-alive connection to the desktop's server: 200 sockets are
    // opened (TCP only; no request reaches the API before the measurement).
    // A request finding every socket busy opens one more, as a browser would.
    await warmLoadGenerator();
    const url = new URL(base);
    const client = new KeepAliveClient(url.hostname, Number(url.port));
    await client.open(agents);
    const get = async (i: number) => {
      const status = await client.get(`${url.pathname}${path(i)}`, cookies[i % agents]!);
      if (status !== 200) throw new Error(String(status));
    };
    process.send!({ ready: true });
    process.send!(
      await openLoop('API (HTTP, auth, scope, JSON)', get, undefined, () =>
        process.send!({ measuring: true }),
      ),
    );
  } else if (job.mode === 'floor') {
    // Baseline for fan-out: one raw XREAD BLOCK reader on the same stream.
    const { redisUrl, streamKey } = job as unknown as { redisUrl: string; streamKey: string };
    const reader = new Redis(redisUrl);
    const deliveries: number[] = [];
    let last = (await reader.xrevrange(streamKey, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    let expected = Infinity;
    process.once('message', (m: { expected: number }) => (expected = m.expected));
    process.send!({ reading: true });
    const deadline = () => Date.now() + 15_000;
    let until = Infinity;
    while (deliveries.length < expected && Date.now() < until) {
      if (expected !== Infinity && until === Infinity) until = deadline();
      const reply = await reader.xread('BLOCK', 200, 'STREAMS', streamKey, last);
      for (const [, entries] of reply ?? [])
        for (const [id, fields] of entries) {
          last = id;
          const at = fields[fields.indexOf('sentAt') + 1];
          deliveries.push(performance.timeOrigin + performance.now() - Number(at));
        }
    }
    reader.disconnect();
    process.send!({ deliveries });
  } else {
    const { wsUrl, adminCookie } = job as unknown as { wsUrl: string; adminCookie: string };
    const deliveries: number[] = [];
    const closers: (() => void)[] = [];
    let connected = 0;
    const onText = (payload: Buffer, receivedAt: number, ready: () => void) => {
      // The clock was read first; then only the send time is pulled out of the
      // frame (no full JSON.parse), to keep 5,000 clients' cost low.
      const at = payload.indexOf(sentAtKey);
      if (at !== -1) {
        const from = at + sentAtKey.length;
        deliveries.push(
          receivedAt - Number(payload.toString('latin1', from, payload.indexOf('"', from))),
        );
      } else if (payload.includes('"kind":"ready"')) {
        connected += 1;
        ready();
      }
    };
    for (let i = 0; i < clientCount; i += 200) {
      await Promise.all(
        Array.from(
          { length: Math.min(200, clientCount - i) },
          () =>
            new Promise<void>((resolve) => {
              if (process.env.WS_CLIENT === 'ws') {
                const ws = new WebSocket(wsUrl, {
                  headers: { cookie: adminCookie },
                  perMessageDeflate: false,
                });
                ws.on('message', (raw: Buffer) =>
                  onText(raw, performance.timeOrigin + performance.now(), resolve),
                );
                ws.on('error', () => resolve());
                closers.push(() => ws.terminate());
              } else {
                closers.push(
                  openLeanWebSocket(new URL(wsUrl), adminCookie, (payload, receivedAt) =>
                    onText(payload, receivedAt, resolve),
                  ),
                );
              }
            }),
        ),
      );
    }
    process.send!({ connected });
    const cpuFrom = process.cpuUsage();
    const started = performance.now();
    const [{ expected }] = (await once(process, 'message')) as [{ expected: number }];
    const deadline = Date.now() + 15_000;
    while (deliveries.length < expected && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const cpu = cpuPercent(cpuFrom, performance.now() - started);
    for (const close of closers) close();
    process.send!({ deliveries, cpu });
  }
  // Stay alive until the parent stops this process, so the last message is never cut off.
  const keepAlive = setInterval(() => undefined, 60_000);
  process.on('message', (m: { stop?: boolean }) => {
    if (m.stop === true) {
      clearInterval(keepAlive);
      process.exit(0);
    }
  });
}

if (process.argv.includes('--child')) await child();
else await main();
