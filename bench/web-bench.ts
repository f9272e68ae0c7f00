/**
 * `npm run bench:web`: the agent desktop in real Chromium against the real
 * server, with a baseline in the same run for each figure.
 *
 * 1. Offer visible: an agent's desktop is open and available in one
 *    Chromium page; OTHER_AGENTS (default 50) more agents are logged in
 *    through sessions of their own (API log-in, routing log-in, available,
 *    each with an open event WebSocket), in a queue of their own so every
 *    offer goes to the page's agent. OFFERS (default 200) times, after 5
 *    not counted: a caller is queued through the real ACD, which offers it
 *    at once and writes `contact.offered` to the event stream inside that
 *    call; the figure runs from the enqueue call's return to the offer
 *    card's Accept button being in the page and painted. The caller then
 *    hangs up (the offer is withdrawn) and the next one comes when the
 *    card is gone. Baseline: the same event's arrival at a bare WebSocket
 *    opened in the same page, the floor the desktop's work (re-reading
 *    GET /agent/status, rendering) adds to.
 * 2. First load, LOADS (default 5) cold loads each (a fresh browser
 *    context: empty cache, no service worker): /desk without a session (the
 *    app redirects to its log-in form) to the form shown; the log-in click
 *    to the desk's state button; /desk with a session to the state button.
 *    Bytes as Chromium received them (headers included). Baseline: a static
 *    1 KB page with a form, served by the same express app.
 *
 * Everything runs on this machine (server, Postgres, Redis, Chromium), so
 * the figures are loopback figures and include the sharing of its cores.
 */
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { Router } from 'express';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { apiBasePath, createApi } from '../api/api-router.ts';
import { startLiveEventServer } from '../api/events/live-event-server.ts';
import { createHttpApp } from '../api/http-app.ts';
import { toLiveEvent } from '../api/events/live-event.ts';
import { InMemoryClickToDial } from '../api/agent-desk/in-memory-click-to-dial.ts';
import { InMemoryLiveCallControl } from '../api/live-call/in-memory-live-call-control.ts';
import { defaultWebRoot, webAppRouter } from '../api/web-app/web-app-router.ts';
import { systemClock } from '../platform/clock.ts';
import { uuidGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { createRedisRouting } from '../routing/create-redis-routing.ts';
import { connectDatabase } from '../sql/connect-database.ts';
import { assertMigrated, createSchemaMigrator } from '../sql/schema-migrator.ts';
import { sha256TestHasher } from '../test/api-test-server.ts';
import { adminQuery, databaseUrl } from '../test/postgres-admin.ts';
import { browserSkipReason, launchChromium, openPage } from '../test/web/browser.ts';

const offerCount = Number(process.env.OFFERS ?? 200);
const otherAgentCount = Number(process.env.OTHER_AGENTS ?? 50);
const loadCount = Number(process.env.LOADS ?? 5);
/** Offers before the measured ones: the desktop's first offer also compiles its card's code. */
const warmupOffers = 5;
/** An offer not shown by then counts as this long (and as missed). */
const offerTimeoutMs = 10_000;
const password = 'bench-password';
const targets = { offerP99Ms: 150, javascriptGzipBytes: 500 * 1024 };

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const ms = (n: number) => `${n.toFixed(1)} ms`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
/** This process's wall clock with sub-millisecond resolution; the page reads the same. */
const nodeNow = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The loading floor: about 1 KB of static HTML with a form, no script. */
const floorHtml = (() => {
  const head =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Floor</title></head><body>' +
    '<form><label>Email <input name="email" type="email"></label>' +
    '<label>Password <input name="password" type="password"></label>' +
    '<button type="submit">Log in</button></form><p>';
  const tail = '</p></body></html>';
  return head + 'x'.repeat(1024 - head.length - tail.length) + tail;
})();

async function main() {
  if (browserSkipReason !== undefined) throw new Error(browserSkipReason);
  const name = `sbbench_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const db = connectDatabase(databaseUrl(name), { maxConnections: 10 });
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `sbbench:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const logger = createLogger({ level: 'silent' });
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    assertMigrated(await createSchemaMigrator(db).migrateToLatest());
    const loadBefore = load();

    // --- the world: one desk agent in queue "desk", the others in queue "others" ---
    const hash = await sha256TestHasher.hash(password);
    const [deskQueue, othersQueue] = await db
      .insertInto('queues')
      .values([{ name: 'desk' }, { name: 'others' }])
      .returning('id')
      .execute();
    const users = await db
      .insertInto('users')
      .values(
        Array.from({ length: 1 + otherAgentCount }, (_, i) => ({
          email: `agent${i}@bench.test`,
          display_name: `Agent ${i}`,
          role: 'agent' as const,
          password_hash: hash,
        })),
      )
      .returning('id')
      .execute();
    const deskAgent = users[0]!;
    const others = users.slice(1);
    await db
      .insertInto('queue_members')
      .values(
        users.map((u) => ({
          queue_id: (u === deskAgent ? deskQueue : othersQueue)!.id,
          user_id: u.id,
        })),
      )
      .execute();
    const phone = '+15550000001';
    const { id: contactId } = await db
      .insertInto('contacts')
      .values({ given_name: 'Customer', attributes: '{}', consent: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('contact_phones')
      .values({ contact_id: contactId, phone, normalized: phone })
      .execute();

    const routing = createRedisRouting({
      redis,
      blockingRedis: new Redis(redisUrl, { maxRetriesPerRequest: null }),
      keyPrefix: prefix,
      clock: systemClock,
      ids: uuidGenerator,
      logger,
    });
    cleanups.push(() => routing.close());
    for (const queue of [deskQueue!, othersQueue!]) {
      await routing.admin.configureQueue({
        queueId: queue.id,
        ringTimeoutSeconds: 20,
        wrapUpSeconds: 0,
      });
    }
    for (const user of users) {
      await routing.admin.configureAgent({
        agentId: user.id,
        skills: {},
        queues: [{ queueId: (user === deskAgent ? deskQueue : othersQueue)!.id }],
        capacity: { voice: 1, chat: 0, email: 0 },
      });
    }

    // --- the server, as `switchboard start` serves it: API, live events, the built web app ---
    const api = createApi({
      db,
      redis,
      keyPrefix: prefix,
      clock: systemClock,
      desk: routing.desk,
      liveCalls: new InMemoryLiveCallControl(),
      clickToDial: new InMemoryClickToDial(undefined),
      flowValidator: { validate: () => [] },
      recordingsDir: '/nonexistent',
      secureCookies: false,
      redactStoredMessages: true,
      hasher: sha256TestHasher,
    });
    cleanups.push(() => Promise.resolve(api.close()));
    await api.ready;
    const floor = Router();
    floor.get('/', (_req, res) => void res.type('html').send(floorHtml));
    const app = createHttpApp({
      logger,
      ids: uuidGenerator,
      routers: [
        { path: apiBasePath, router: api.router },
        { path: '/bench-floor', router: floor },
        { path: '/', router: webAppRouter() },
      ],
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    );
    const live = await startLiveEventServer({
      server,
      authenticate: (h) => api.authenticate(h),
      scopes: api.scopes,
      readRedis: new Redis(redisUrl),
      redis,
      streamKey: routing.commands.keys.events(),
      logger,
    });
    cleanups.unshift(() => live.close());
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = async (method: string, pathname: string, cookie: string, body?: unknown) => {
      const res = await fetch(`${origin}${apiBasePath}${pathname}`, {
        method,
        headers: {
          cookie,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
      return res;
    };
    const logIn = async (email: string) => {
      const res = await fetch(`${origin}${apiBasePath}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
      return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    };

    // --- the other agents: logged in, available, each with an open event socket ---
    const otherSockets: WebSocket[] = [];
    cleanups.unshift(() => {
      for (const socket of otherSockets) socket.terminate();
      return Promise.resolve();
    });
    let otherMessages = 0;
    for (const [i] of others.entries()) {
      const cookie = await logIn(`agent${i + 1}@bench.test`);
      const socket = new WebSocket(`${origin.replace('http', 'ws')}${apiBasePath}/events`, {
        headers: { cookie },
      });
      otherSockets.push(socket);
      const ready = new Promise<void>((resolve, reject) => {
        socket.on('message', (raw: Buffer) => {
          otherMessages += 1;
          if (raw.includes('"kind":"ready"')) resolve();
        });
        socket.once('error', reject);
      });
      await ready;
      await call('POST', '/agent/login', cookie);
      await call('PUT', '/agent/state', cookie, { state: 'available' });
    }

    const browser = await launchChromium();
    cleanups.unshift(() => browser.close());

    // --- 1. offer visible ---
    console.log(
      `${otherAgentCount} other agents logged in and available; measuring ${offerCount} offers ...`,
    );
    const desk = await openDesk(browser, origin);
    const deskCookie = (await desk.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await call('POST', '/agent/login', deskCookie);
    await call('PUT', '/agent/state', deskCookie, { state: 'available' });
    await desk.page.locator('.sb-state', { hasText: 'Available' }).waitFor();
    await desk.page.evaluate(installOfferProbe, `${apiBasePath}/events?topics=contact`);
    const offsetBefore = await pageClockOffset(desk.page);
    const redisOffset = await redisClockOffset(redis);
    const shown: number[] = [];
    const inDom: number[] = [];
    const bare: number[] = [];
    const enqueueMs: number[] = [];
    const warmups: number[] = [];
    let missed = 0;
    const seen: { offered: number; dom: number; painted: number; ws: number }[] = [];
    /** Where the desktop's time goes, per offer: stream entry to fetch, the fetch, response to paint. */
    const parts = { react: [] as number[], fetch: [] as number[], render: [] as number[] };
    /** Painted minus the enqueue call's return: shows why that return cannot be the start. */
    const afterReturn: number[] = [];
    const streamKey = routing.commands.keys.events();
    const offset0 = offsetBefore.offset;
    for (let i = 0; i < warmupOffers + offerCount; i += 1) {
      const callId = randomUUID();
      await db
        .insertInto('calls')
        .values({
          id: callId,
          direction: 'inbound',
          from_number: phone,
          to_number: '+15559990000',
          contact_id: contactId,
          queue_id: deskQueue!.id,
          started_at: new Date(),
        })
        .execute();
      await desk.page.evaluate((id) => window.sbOfferProbe!.arm(id), callId);
      const calling = nodeNow();
      const placed = await routing.acd.place({
        contactId: callId,
        channel: 'voice',
        queueId: deskQueue!.id,
        requiredSkills: [],
        priority: 3,
        callerNumber: phone,
      });
      const placedAt = nodeNow();
      if (placed.offers[0]?.agentId !== deskAgent.id) {
        throw new Error(`offer ${i} went to ${placed.offers[0]?.agentId ?? 'nobody'}`);
      }
      const at = await desk.page.evaluate(
        (timeout) => window.sbOfferProbe!.shown(timeout),
        offerTimeoutMs,
      );
      const offeredAt = await streamTimeOf(redis, streamKey, callId);
      await routing.acd.cancel(callId, 'abandoned');
      await desk.page.evaluate(() => window.sbOfferProbe!.gone());
      if (i < warmupOffers) {
        warmups.push(
          at.painted === null ? NaN : at.painted - offset0 - (offeredAt - redisOffset.offset),
        );
      } else {
        seen.push({
          offered: offeredAt,
          dom: at.dom ?? NaN,
          painted: at.painted ?? NaN,
          ws: at.ws ?? NaN,
        });
        enqueueMs.push(placedAt - calling);
        if (at.painted !== null) afterReturn.push(at.painted - offset0 - placedAt);
        if (at.fetchStart !== null && at.fetchEnd !== null && at.painted !== null) {
          // The stream entry's time (Redis's clock) on the page's clock.
          const offered = offeredAt - redisOffset.offset + offset0;
          parts.react.push(at.fetchStart - offered);
          parts.fetch.push(at.fetchEnd - at.fetchStart);
          parts.render.push(at.painted - at.fetchEnd);
        }
        if (at.painted === null) missed += 1;
      }
      // Callers do not arrive back to back: 50-150 ms of quiet between offers.
      await sleep(50 + Math.random() * 100);
    }
    const offsetAfter = await pageClockOffset(desk.page);
    // The page's clock minus this process's, averaged over the run (both read the wall clock).
    const offset = (offsetBefore.offset + offsetAfter.offset) / 2;
    for (const s of seen) {
      const offered = s.offered - redisOffset.offset;
      shown.push(Number.isNaN(s.painted) ? offerTimeoutMs : s.painted - offset - offered);
      inDom.push(Number.isNaN(s.dom) ? offerTimeoutMs : s.dom - offset - offered);
      bare.push(Number.isNaN(s.ws) ? offerTimeoutMs : s.ws - offset - offered);
    }
    const deskErrors = [...desk.problems.errors];
    await desk.context.close();
    const otherSocketsOpen = otherSockets.filter((s) => s.readyState === WebSocket.OPEN).length;

    // --- 2. first load ---
    console.log(`measuring ${loadCount} cold loads of each page ...`);
    const loads: FirstLoad[] = [];
    for (let i = 0; i < loadCount; i += 1) loads.push(await firstLoad(browser, origin));
    const javascript = await javascriptSizes(path.join(defaultWebRoot, 'assets'));
    const loadAfter = load();

    // --- report ---
    for (const list of [shown, inDom, bare, enqueueMs, afterReturn, ...Object.values(parts)])
      list.sort((a, b) => a - b);
    const stats = (sorted: readonly number[]) =>
      `p50 ${ms(percentile(sorted, 50))}  p90 ${ms(percentile(sorted, 90))}  p99 ${ms(percentile(sorted, 99))}  max ${ms(sorted[sorted.length - 1] ?? NaN)}`;
    console.log(
      `\ncommand: OFFERS=${offerCount} OTHER_AGENTS=${otherAgentCount} LOADS=${loadCount} npm run bench:web   (node ${process.version}, ${browser.version()}, Chromium headless)`,
    );
    console.log(`load average (1/5/15 min): before ${loadBefore}, after ${loadAfter}`);
    console.log(
      `\noffer visible: ${offerCount} offers to one desktop in Chromium (after ${warmupOffers} not counted: ${warmups.map((w) => w.toFixed(0)).join(', ')} ms), ${otherAgentCount} other agents logged in with open event sockets (${otherSocketsOpen} still open at the end, ${otherMessages} messages received in all)`,
    );
    console.log(
      `  from contact.offered's entry in the Redis stream (its id's millisecond, Redis's clock, ${ms(redisOffset.offset)} from this process's ±${ms(redisOffset.uncertainty)})`,
    );
    console.log(`  desktop: Accept button painted      ${stats(shown)}  missed ${missed}`);
    console.log(`  desktop: Accept button in the DOM   ${stats(inDom)}`);
    console.log(`  baseline: bare WebSocket in the page ${stats(bare)}`);
    console.log(
      `  ratio desktop/bare: p50 ${(percentile(shown, 50) / percentile(bare, 50)).toFixed(1)}x  p99 ${(percentile(shown, 99) / percentile(bare, 99)).toFixed(1)}x   target p99 <= ${targets.offerP99Ms} ms: ${percentile(shown, 99) <= targets.offerP99Ms ? 'met' : 'NOT MET'}`,
    );
    const p50p99 = (sorted: readonly number[]) =>
      `p50 ${ms(percentile(sorted, 50))} p99 ${ms(percentile(sorted, 99))}`;
    console.log(
      `  the desktop's share (${parts.fetch.length} offers): stream entry to its GET /agent/status sent ${p50p99(parts.react)}; the GET ${p50p99(parts.fetch)}; response to painted ${p50p99(parts.render)}`,
    );
    console.log(
      `  the enqueue call (script and reply) took p50 ${ms(percentile(enqueueMs, 50))}, p99 ${ms(percentile(enqueueMs, 99))}; painted after its return: ${stats(afterReturn)}`,
    );
    console.log(
      `  computed, not run: a desktop polling GET /agent/status every 15 s would show an offer after p50 7.5 s, p99 14.9 s plus its fetch and render`,
    );
    console.log(
      `  page clock minus this process's: ${ms(offsetBefore.offset)} (read within ±${ms(offsetBefore.uncertainty)}) before, ${ms(offsetAfter.offset)} (±${ms(offsetAfter.uncertainty)}) after`,
    );
    if (deskErrors.length > 0) console.log(`  page errors: ${deskErrors.join('; ')}`);

    console.log(
      `\nfirst load, median of ${loadCount} cold loads (fresh browser context each: empty cache) on loopback`,
    );
    const row = (label: string, times: number[], bytes: number[], requests: number[]) =>
      console.log(
        `  ${label.padEnd(48)} ${ms(median(times)).padStart(9)} (${times.map((t) => t.toFixed(0)).join(', ')})  ${kb(median(bytes))} in ${median(requests)} responses`,
      );
    row(
      'baseline: static 1 KB page, form shown',
      loads.map((l) => l.floor.ms),
      loads.map((l) => l.floor.bytes),
      loads.map((l) => l.floor.requests),
    );
    row(
      '/desk without a session: log-in form shown',
      loads.map((l) => l.login.ms),
      loads.map((l) => l.login.bytes),
      loads.map((l) => l.login.requests),
    );
    row(
      'log-in click: desk state button shown',
      loads.map((l) => l.loggedIn.ms),
      loads.map((l) => l.loggedIn.bytes),
      loads.map((l) => l.loggedIn.requests),
    );
    row(
      '/desk with a session: desk state button shown',
      loads.map((l) => l.desk.ms),
      loads.map((l) => l.desk.bytes),
      loads.map((l) => l.desk.requests),
    );
    console.log(
      `  ratio to the baseline: log-in form ${(median(loads.map((l) => l.login.ms)) / median(loads.map((l) => l.floor.ms))).toFixed(1)}x, desk ${(median(loads.map((l) => l.desk.ms)) / median(loads.map((l) => l.floor.ms))).toFixed(1)}x in time; ${(median(loads.map((l) => l.login.bytes)) / median(loads.map((l) => l.floor.bytes))).toFixed(0)}x in bytes`,
    );
    console.log(
      `  JavaScript in web/dist/assets: ${kb(javascript.raw)} (as built; the web app's router serves it gzipped), ${kb(javascript.gzip)} gzipped (zlib level 6): ${javascript.files.map((f) => `${f.name} ${kb(f.gzip)}`).join(', ')}`,
    );
    console.log(
      `  target desktop JavaScript <= ${kb(targets.javascriptGzipBytes)} gzipped: ${javascript.gzip <= targets.javascriptGzipBytes ? 'met' : 'NOT MET'}`,
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

interface ProbeResult {
  ws: number | null;
  dom: number | null;
  painted: number | null;
  /** The desktop's GET /agent/status that followed the event: sent, and its response read. */
  fetchStart: number | null;
  fetchEnd: number | null;
}

/** What `installOfferProbe` leaves in the page; times on the page's clock (timeOrigin + now). */
interface OfferProbe {
  /** Starts watching for the offer of contact `contactId`. */
  arm(contactId: string): void;
  /** When the armed offer's event reached the bare socket, its Accept button the DOM, and the screen. */
  shown(timeoutMs: number): Promise<ProbeResult>;
  /** Resolves once no offer card is left. */
  gone(): Promise<void>;
}

declare global {
  interface Window {
    sbOfferProbe?: OfferProbe;
    sbMarks?: Record<string, number>;
    sbMarked?: (name: string) => Promise<number>;
  }
}

/**
 * Runs in the page: a MutationObserver for the offer card's Accept button
 * (painted = the task after the next animation frame, when that frame has
 * been drawn) and a bare WebSocket on the same events endpoint.
 */
function installOfferProbe(eventsPath: string): Promise<void> {
  const now = () => performance.timeOrigin + performance.now();
  const accept = () => document.querySelector<HTMLElement>('.sb-offer .sb-accept');
  let armed: string | null = null;
  let result: ProbeResult = {
    ws: null,
    dom: null,
    painted: null,
    fetchStart: null,
    fetchEnd: null,
  };
  // The desktop's first GET /agent/status after the offer: its share of the time.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
      if (armed === null || result.fetchStart !== null || !entry.name.endsWith('/agent/status')) {
        continue;
      }
      result.fetchStart = performance.timeOrigin + entry.startTime;
      result.fetchEnd = performance.timeOrigin + entry.responseEnd;
    }
  }).observe({ type: 'resource' });
  let onPainted: (() => void) | null = null;
  let onGone: (() => void) | null = null;
  new MutationObserver(() => {
    const button = accept();
    if (button === null) {
      onGone?.();
      onGone = null;
    }
    if (armed === null || result.dom !== null || button === null || !button.checkVisibility()) {
      return;
    }
    result.dom = now();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        result.painted = now();
        onPainted?.();
      };
      channel.port2.postMessage(null);
    });
  }).observe(document.body, { childList: true, subtree: true, attributes: true });
  const url = new URL(eventsPath, location.href);
  url.protocol = 'ws:';
  const socket = new WebSocket(url);
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data as string) as {
      kind: string;
      type?: string;
      data?: Record<string, string>;
    };
    if (
      event.kind === 'event' &&
      event.type === 'contact.offered' &&
      armed !== null &&
      event.data?.contactId === armed &&
      result.ws === null
    ) {
      result.ws = now();
    }
  };
  window.sbOfferProbe = {
    arm(contactId) {
      armed = contactId;
      result = { ws: null, dom: null, painted: null, fetchStart: null, fetchEnd: null };
      performance.clearResourceTimings();
    },
    shown(timeoutMs) {
      return new Promise((resolve) => {
        if (result.painted !== null) {
          armed = null;
          resolve(result);
          return;
        }
        const done = () => {
          clearTimeout(timer);
          onPainted = null;
          armed = null;
          resolve(result);
        };
        const timer = setTimeout(done, timeoutMs);
        onPainted = done;
      });
    },
    gone() {
      return new Promise((resolve) => {
        if (accept() === null) resolve();
        else onGone = resolve;
      });
    },
  };
  return new Promise((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error('bare event socket failed'));
  });
}

/**
 * How far the page's clock (timeOrigin + now) is from this process's, from
 * the quickest of 30 round trips: the page's reading is taken as the middle
 * of the trip, so the error is at most half of it.
 */
async function pageClockOffset(page: Page): Promise<{ offset: number; uncertainty: number }> {
  let best = { offset: NaN, uncertainty: Infinity };
  for (let i = 0; i < 30; i += 1) {
    const before = nodeNow();
    const inPage = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = nodeNow();
    if ((after - before) / 2 < best.uncertainty) {
      best = { offset: inPage - (before + after) / 2, uncertainty: (after - before) / 2 };
    }
  }
  return best;
}

/**
 * tsx compiles this file with esbuild's keepNames, which wraps named functions
 * in a `__name(...)` helper; the functions sent to the page need it there too.
 */
const keepNamesHelper = 'globalThis.__name = (fn) => fn;';

async function benchPage(browser: Browser, origin: string) {
  const opened = await openPage(browser, { locale: 'en', timezoneId: 'UTC', baseURL: origin });
  await opened.page.addInitScript(keepNamesHelper);
  return opened;
}

/**
 * When `contact.offered` for `contactId` entered the event stream: its entry
 * id's millisecond, on Redis's clock (inside a script, the script's start).
 */
async function streamTimeOf(redis: Redis, streamKey: string, contactId: string): Promise<number> {
  for (const [id, fields] of await redis.xrevrange(streamKey, '+', '-', 'COUNT', 50)) {
    const event = toLiveEvent(id, fields);
    if (event.type === 'contact.offered' && event.data.contactId === contactId) {
      return Number(id.slice(0, id.indexOf('-')));
    }
  }
  throw new Error(`no contact.offered for ${contactId} in the stream`);
}

/** Redis's clock (TIME) minus this process's, from the quickest of 30 round trips. */
async function redisClockOffset(redis: Redis): Promise<{ offset: number; uncertainty: number }> {
  let best = { offset: NaN, uncertainty: Infinity };
  for (let i = 0; i < 30; i += 1) {
    const before = nodeNow();
    const [seconds, micros] = await redis.time();
    const after = nodeNow();
    if ((after - before) / 2 < best.uncertainty) {
      best = {
        offset: Number(seconds) * 1000 + Number(micros) / 1000 - (before + after) / 2,
        uncertainty: (after - before) / 2,
      };
    }
  }
  return best;
}

/** Logs the desk agent in through the log-in form and waits for the desk. */
async function openDesk(browser: Browser, origin: string) {
  const opened = await benchPage(browser, origin);
  await opened.page.goto('/desk');
  await logInThroughForm(opened.page);
  await opened.page.locator('.sb-state').waitFor();
  return opened;
}

async function logInThroughForm(page: Page): Promise<void> {
  await page.getByLabel('Email').fill('agent0@bench.test');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * Runs in the page before its own scripts: the first time each watched
 * element is in the DOM and visible, then painted (as in installOfferProbe),
 * on performance.now(), whose zero is the navigation's start.
 */
function installLoadMarks(): void {
  const marks: Record<string, number> = {};
  const waiting: Record<string, ((at: number) => void)[]> = {};
  const watched: Record<string, string> = {
    form: 'form button[type=submit]',
    desk: '.sb-state',
  };
  const pending = new Set<string>();
  const check = () => {
    for (const [name, selector] of Object.entries(watched)) {
      if (marks[name] !== undefined || pending.has(name)) continue;
      const element = document.querySelector<HTMLElement>(selector);
      if (element === null || !element.checkVisibility()) continue;
      pending.add(name);
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          marks[name] = performance.now();
          for (const resolve of waiting[name] ?? []) resolve(marks[name]);
        };
        channel.port2.postMessage(null);
      });
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
  });
  document.addEventListener(
    'click',
    () => {
      marks.click ??= performance.now();
    },
    true,
  );
  window.sbMarks = marks;
  window.sbMarked = (name) =>
    marks[name] !== undefined
      ? Promise.resolve(marks[name])
      : new Promise((resolve) => (waiting[name] ??= []).push(resolve));
}

interface Measured {
  readonly ms: number;
  readonly bytes: number;
  readonly requests: number;
}
interface FirstLoad {
  readonly floor: Measured;
  readonly login: Measured;
  readonly loggedIn: Measured;
  readonly desk: Measured;
}

/** Bytes Chromium received for the page's requests (headers included), from DevTools' network events. */
async function countBytes(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.loadingFinished', (event) => {
    bytes += event.encodedDataLength;
    requests += 1;
  });
  await cdp.send('Network.enable');
  return {
    /** Bytes and responses so far, and zero again. */
    take() {
      const taken = { bytes, requests };
      bytes = 0;
      requests = 0;
      return taken;
    },
  };
}

async function coldPage(browser: Browser, origin: string, cookies: Cookie[] = []) {
  const opened = await benchPage(browser, origin);
  if (cookies.length > 0) await opened.context.addCookies(cookies);
  await opened.page.addInitScript(installLoadMarks);
  const counter = await countBytes(opened.context, opened.page);
  return { ...opened, counter };
}
type Cookie = Awaited<ReturnType<BrowserContext['cookies']>>[number];

/** Waits for the mark, then a moment for late requests (favicon), and takes the bytes. */
async function settle(
  page: Page,
  mark: string,
  counter: { take(): { bytes: number; requests: number } },
): Promise<Measured> {
  const at = await page.evaluate((name) => window.sbMarked!(name), mark);
  await sleep(300);
  return { ms: at, ...counter.take() };
}

async function firstLoad(browser: Browser, origin: string): Promise<FirstLoad> {
  const floor = await coldPage(browser, origin);
  await floor.page.goto('/bench-floor');
  const floorAt = await settle(floor.page, 'form', floor.counter);
  await floor.context.close();

  const login = await coldPage(browser, origin);
  await login.page.goto('/desk');
  const formAt = await settle(login.page, 'form', login.counter);
  await logInThroughForm(login.page);
  const deskAt = await settle(login.page, 'desk', login.counter);
  const clickAt = await login.page.evaluate(() => window.sbMarks!.click!);
  const cookies = await login.context.cookies();
  await login.context.close();

  const desk = await coldPage(browser, origin, cookies);
  await desk.page.goto('/desk');
  const withSession = await settle(desk.page, 'desk', desk.counter);
  await desk.context.close();
  return {
    floor: floorAt,
    login: formAt,
    loggedIn: { ...deskAt, ms: deskAt.ms - clickAt },
    desk: withSession,
  };
}

/** Sizes of the built app's JavaScript, raw and gzipped (zlib's default level, as servers use). */
async function javascriptSizes(assets: string) {
  const files = [];
  for (const name of (await readdir(assets)).filter((f) => f.endsWith('.js')).sort()) {
    const bytes = await readFile(path.join(assets, name));
    files.push({ name, raw: bytes.length, gzip: gzipSync(bytes).length });
  }
  return {
    files,
    raw: files.reduce((sum, f) => sum + f.raw, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0),
  };
}

await main();
