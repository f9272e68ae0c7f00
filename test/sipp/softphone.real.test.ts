/**
 * The browser softphone end to end on a real drachtio-server and FreeSWITCH:
 * `switchboard start`'s service (startService, in this process) with its web
 * app, an agent logged in in headless Chromium whose desktop registers SIP.js
 * over WebSocket to drachtio (SIP_WS_URI), a sipp caller who walks the IVR
 * into the queue and talks, the offer ringing the browser, Accept answering
 * it (WebRTC, DTLS-SRTP, through FreeSWITCH), audio both ways by the
 * browser's own getStats counters and FreeSWITCH's view of the agent's
 * channel, a key from the dialpad reaching FreeSWITCH, mute and hold (with
 * FreeSWITCH playing the hold music) from the keyboard, and End hanging the
 * caller up. Runs with `npm run test:sip` (SWITCHBOARD_REAL_SIP=1, sipp and
 * Chromium present); reads SIP_WS_URI (default ws://127.0.0.1:5066, the
 * contact in docker/drachtio/drachtio.conf.xml) besides the sipp rig's
 * settings.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2PasswordHasher } from '../../api/auth/password-hasher.ts';
import { loadConfig } from '../../app/config.ts';
import { publishFlowFile } from '../../app/flow-publisher.ts';
import { startService, type RunningService } from '../../app/switchboard-service.ts';
import { provisionUser } from '../../app/user-provisioning.ts';
import { systemCallClock } from '../../ivr/call-clock.ts';
import { uuidGenerator } from '../../platform/id-generator.ts';
import { createLogger } from '../../platform/logger.ts';
import { queueingFlow } from '../test-flows.ts';
import { createTestDatabase, type TestDatabase } from '../test-database.ts';
import { createTestRedis, type TestRedis } from '../test-redis.ts';
import { browserSkipReason, launchChromium, openPage } from '../web/browser.ts';
import {
  callTo,
  realServerSettings,
  repository,
  sipp,
  sippSkipReason,
  sippTarget as target,
  succeeded,
  until,
  watchFreeSwitch,
  type FreeSwitchWatch,
} from './sipp-rig.ts';

const env = process.env;
const skipReason =
  sippSkipReason ??
  browserSkipReason ??
  (existsSync(path.join(repository, 'web/dist/index.html'))
    ? undefined
    : 'the web app is not built (npm run build:web)');
if (skipReason !== undefined) console.info(`browser softphone suite skipped: ${skipReason}`);

const did = '+15550007101';
const realm = 'switchboard';
const email = 'webagent@sipp.example.com';
const password = 'softphone agent 2026';

/** Every RTCPeerConnection the page makes, for getStats (the app keeps its own inside SIP.js). */
const capturePeerConnections = () => {
  const made: RTCPeerConnection[] = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      made.push(this);
    }
  };
  (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = made;
};

interface AudioCounters {
  readonly sent: number;
  readonly received: number;
  readonly energy: number;
  readonly codec: string;
}

/** The browser's own counters for the call's audio (outbound-rtp, inbound-rtp). */
function audioCounters(page: Page): Promise<AudioCounters> {
  return page.evaluate(async () => {
    const list = (window as unknown as { peerConnections?: RTCPeerConnection[] }).peerConnections;
    const connection = list?.at(-1);
    const result = { sent: 0, received: 0, energy: 0, codec: '' };
    if (connection === undefined) return result;
    const stats = await connection.getStats();
    const codecs = new Map<string, string>();
    stats.forEach((report: { type: string; id: string; mimeType?: string }) => {
      if (report.type === 'codec') codecs.set(report.id, report.mimeType ?? '');
    });
    stats.forEach(
      (report: {
        type: string;
        kind?: string;
        bytesSent?: number;
        bytesReceived?: number;
        totalAudioEnergy?: number;
        codecId?: string;
      }) => {
        if (report.kind !== 'audio') return;
        if (report.type === 'outbound-rtp') result.sent += report.bytesSent ?? 0;
        if (report.type === 'inbound-rtp') {
          result.received += report.bytesReceived ?? 0;
          result.energy += report.totalAudioEnergy ?? 0;
          result.codec = codecs.get(report.codecId ?? '') ?? '';
        }
      },
    );
    return result;
  });
}

describe.skipIf(skipReason !== undefined)(
  `browser softphone on real servers${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let database: TestDatabase;
    let testRedis: TestRedis;
    let service: RunningService;
    let browser: Browser;
    let freeswitch: FreeSwitchWatch;

    beforeAll(async () => {
      database = await createTestDatabase();
      testRedis = createTestRedis();
      const flowsDir = await mkdtemp(path.join(tmpdir(), 'softphone-flows-'));
      await symlink(path.join(repository, 'flows/prompts'), path.join(flowsDir, 'prompts'));
      await writeFile(
        path.join(flowsDir, 'queue.json'),
        JSON.stringify(queueingFlow('softphone-queue', 'softphone-queue')),
      );
      await publishFlowFile(database.db, {
        file: path.join(flowsDir, 'queue.json'),
        number: did,
        now: new Date(),
      });
      const queue = await database.db
        .insertInto('queues')
        .values({ name: 'softphone-queue', ring_timeout_seconds: 30, wrap_up_seconds: 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const agent = await provisionUser(database.db, argon2PasswordHasher, {
        email,
        displayName: 'Web Agent',
        role: 'agent',
        password,
      });
      await database.db
        .insertInto('queue_members')
        .values({ queue_id: queue.id, user_id: agent.id })
        .execute();
      const recordings = await mkdtemp(path.join(tmpdir(), 'softphone-recordings-'));
      const config = loadConfig({
        ...realServerSettings({ database, testRedis, realm, recordings }),
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        FLOWS_DIR: flowsDir,
        SIP_WS_URI: env.SIP_WS_URI ?? 'ws://127.0.0.1:5066',
      });
      service = await startService({
        config,
        logger: createLogger({ level: (env.SIPP_LOG_LEVEL as 'warn' | undefined) ?? 'warn' }),
        clock: systemCallClock,
        ids: uuidGenerator,
        voice: { clock: systemCallClock, ids: uuidGenerator },
      });
      browser = await launchChromium({ webRtcOnLoopback: true });
      freeswitch = await watchFreeSwitch();
    }, 120_000);

    afterAll(async () => {
      freeswitch?.close();
      await browser?.close();
      await service?.stop('test over');
      await testRedis?.cleanup();
      await database?.cleanup();
    }, 60_000);

    it('rings the agent in the browser, carries audio both ways over DTLS-SRTP, sends keys and hangs up', async () => {
      const { context, page, problems } = await openPage(browser, {
        locale: 'en',
        timezoneId: 'UTC',
        baseURL: service.url,
      });
      try {
        await page.addInitScript(capturePeerConnections);
        await page.goto('/login');
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Log in' }).click();
        const phone = page.locator('.sb-softphone [role="status"]');
        await expect.poll(() => phone.textContent(), { timeout: 20_000 }).toBe('Phone ready');

        await page.locator('.sb-state').click();
        await page.getByRole('menuitem', { name: 'Go available' }).click();
        await expect.poll(() => page.locator('.sb-state').textContent()).toContain('Available');

        const started = new Date();
        freeswitch.clear();
        const caller = sipp('uac-caller-talks.xml', ['-s', did, target], 120);
        const accept = page.getByRole('button', { name: /\bAccept\b/ });
        await accept.waitFor({ timeout: 30_000 });
        await accept.click();
        const bridged = await callTo(database, did, started, (row) => row?.bridged_at != null);
        expect(bridged?.bridged_at, caller.output()).not.toBeNull();
        await expect.poll(() => page.locator('.sb-state').textContent()).toContain('On a call');

        // Audio both ways, by the browser's counters: it sends its (fake) microphone and
        // hears the caller's speech (energy rising, not silence).
        const first = await until(
          () => audioCounters(page),
          (c) => c.sent > 4_000 && c.received > 4_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const later = await audioCounters(page);
        expect(first.sent, JSON.stringify(first)).toBeGreaterThan(4_000);
        expect(later.sent).toBeGreaterThan(first.sent);
        expect(later.received).toBeGreaterThan(first.received);
        expect(later.energy).toBeGreaterThan(first.energy);
        expect(later.codec).toMatch(/audio\/(opus|PCMU|PCMA)/i);

        // A key from the dialpad reaches FreeSWITCH (RFC 2833 in the browser's media).
        await page.getByRole('button', { name: /\bDialpad\b/ }).click();
        await page
          .getByRole('group', { name: 'Dialpad' })
          .getByRole('button', { name: '5' })
          .click();
        await expect
          .poll(() => freeswitch.keys.map((key) => key.digit).join(''), { timeout: 10_000 })
          .toContain('5');
        await page.getByRole('button', { name: /\bDialpad\b/ }).click();

        // Mute and hold work on FreeSWITCH too: the state comes back from the server, and
        // the held caller hears the hold music until Resume.
        await page.keyboard.press('m');
        await page.getByRole('button', { name: /\bUnmute\b/ }).waitFor();
        await page.keyboard.press('h');
        await page.getByRole('button', { name: /\bResume\b/ }).waitFor();
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await page.keyboard.press('h');
        await page.getByRole('button', { name: /\bHold\b/ }).waitFor();
        await expect
          .poll(() =>
            freeswitch.executed.some(
              (app) => app.application === 'playback' && app.data.includes('local_stream://'),
            ),
          )
          .toBe(true);
        await page.keyboard.press('m');
        await page.getByRole('button', { name: /\bMute\b/ }).waitFor();

        // End: the caller gets the BYE (sipp succeeds), the call closes as completed.
        await page.getByRole('button', { name: /End and wrap up/ }).click();
        await succeeded(caller);
        const ended = await callTo(database, did, started, (row) => row?.ended_at != null);
        expect(ended?.disposition).toBe('completed');
        expect(ended?.agent_id).not.toBeNull();

        // FreeSWITCH's view of the browser's channel: the key came in on it, media both
        // ways, and it was encrypted (DTLS-SRTP).
        const browserChannel = await until(
          () =>
            Promise.resolve(
              freeswitch.hangups.find(
                (h) =>
                  h.variable('rtp_use_dtls') === 'true' ||
                  h.variable('dtls_peer_fingerprint') !== undefined,
              ),
            ),
          (found) => found !== undefined,
          10_000,
        );
        expect(browserChannel, freeswitch.hangups.map((h) => h.channel).join(',')).toBeDefined();
        expect(freeswitch.keys.some((key) => key.channel === browserChannel?.channel)).toBe(true);
        expect(Number(browserChannel?.variable('rtp_audio_in_media_bytes'))).toBeGreaterThan(0);
        expect(Number(browserChannel?.variable('rtp_audio_out_media_bytes'))).toBeGreaterThan(0);
        expect(problems.errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 180_000);
  },
);
