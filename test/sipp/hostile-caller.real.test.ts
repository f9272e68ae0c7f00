/**
 * Callers as attackers, on a real drachtio-server and FreeSWITCH loading
 * `docker/` as shipped. sipp calls from hostile From users (also in Contact
 * and P-Asserted-Identity) to a flow that speaks `{{call.callerNumber}}`, and
 * to one that speaks a CRM answer (`httpLookup` into `vars.name`) carrying the
 * same text. What FreeSWITCH actually executed is read from its own
 * CHANNEL_EXECUTE events (`Application-Data` is the argument after
 * FreeSWITCH's expansion, the same text its log's EXECUTE lines print), and
 * the host is checked for the file the attack tries to create. Runs with
 * `npm run test:sip` (see test/sipp/sipp-rig.ts for the settings).
 */
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publishFlowFile } from '../../app/flow-publisher.ts';
import { speakingFlow } from '../test-flows.ts';
import { createTestDatabase, type TestDatabase } from '../test-database.ts';
import { createTestRedis, type TestRedis } from '../test-redis.ts';
import {
  callTo,
  repository,
  sipp,
  sippSkipReason as skipReason,
  sippTarget as target,
  startRealVoicePath,
  succeeded,
  until,
  watchFreeSwitch,
  type FreeSwitchWatch,
  type RealVoicePath,
} from './sipp-rig.ts';

if (skipReason !== undefined) console.info(`hostile caller suite skipped: ${skipReason}`);

const env = process.env;
const greetingDid = '+15550007101';
const crmDid = '+15550007102';
const marker = `/tmp/switchboard-pwned-${randomUUID()}`;
/** `${system(touch <marker>)}` as it goes on the wire in a SIP URI user. */
const systemAttack = `%24%7Bsystem(touch%20${encodeURIComponent(marker)})%7D`;

const greetingFlow = () => speakingFlow('hostile-greeting', 'Hello {{call.callerNumber}}');
const crmFlow = (crmUrl: string) =>
  speakingFlow('hostile-crm', 'Hello {{vars.name}}', {
    lookupUrl: `${crmUrl}/accounts?phone={{call.callerNumber}}`,
  });

describe.skipIf(skipReason !== undefined)(
  `hostile callers on real servers${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let database: TestDatabase;
    let testRedis: TestRedis;
    let rig: RealVoicePath | undefined;
    let crm: Server;
    let freeswitch: FreeSwitchWatch | undefined;
    /** `speak` arguments FreeSWITCH executed, after its own expansion. */
    const spoken = () =>
      (freeswitch?.executed ?? [])
        .filter((app) => app.application === 'speak')
        .map((app) => app.data);
    const secret = env.FREESWITCH_SECRET ?? 'ClueCon';
    const eslApi = (command: string, args = '') => freeswitch!.api(command, args);

    beforeAll(async () => {
      crm = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            name: `\${system(touch ${marker})} $\${esl_password} \${esl_password}`,
          }),
        );
      });
      await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
      const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;

      database = await createTestDatabase();
      testRedis = createTestRedis();
      const flowsDir = await mkdtemp(path.join(tmpdir(), 'hostile-flows-'));
      await symlink(path.join(repository, 'flows/prompts'), path.join(flowsDir, 'prompts'));
      await writeFile(path.join(flowsDir, 'greeting.json'), JSON.stringify(greetingFlow()));
      await writeFile(path.join(flowsDir, 'crm.json'), JSON.stringify(crmFlow(crmUrl)));
      const now = new Date();
      const file = (name: string) => path.join(flowsDir, name);
      await publishFlowFile(database.db, { file: file('greeting.json'), number: greetingDid, now });
      await publishFlowFile(database.db, { file: file('crm.json'), number: crmDid, now });
      rig = await startRealVoicePath({ database, testRedis, realm: 'switchboard' });

      freeswitch = await watchFreeSwitch();
    }, 60_000);

    afterAll(async () => {
      freeswitch?.close();
      await rig?.close();
      await testRedis?.cleanup();
      await database?.cleanup();
      await new Promise((resolve) => crm?.close(resolve));
    }, 60_000);

    beforeEach(() => {
      freeswitch?.clear();
    });

    /** One call from `user` (as on the wire) to `did`; resolves with what FreeSWITCH spoke. */
    async function callFrom(user: string, did: string): Promise<string[]> {
      const started = new Date();
      const caller = sipp(
        'uac-hostile-caller.xml',
        ['-s', did, '-key', 'caller', user, target],
        150,
      );
      await succeeded(caller);
      const row = await callTo(database, did, started, (found) => found?.ended_at != null);
      expect(row?.ended_at, 'the call is closed').not.toBeNull();
      // The event may trail the call's end by a moment.
      return until(
        () => Promise.resolve(spoken()),
        (texts) => texts.length > 0,
        5_000,
      );
    }

    function expectNothingExpanded(texts: readonly string[]) {
      expect(texts).toHaveLength(1);
      for (const text of texts) {
        expect(text).not.toMatch(/\$|\{|\}|Permission Denied/);
        expect(text).not.toContain(secret);
      }
      expect(existsSync(marker), `${marker} must not exist`).toBe(false);
    }

    it('ships FreeSWITCH with API expansion off and no system command (docker/)', async () => {
      expect(await eslApi('fsctl', 'api_expansion')).toContain('api_expansion is off');
      expect(await eslApi('system', `touch ${marker}`)).toMatch(/-ERR system Command not found/);
      expect(existsSync(marker)).toBe(false);
    });

    it('reads ${system(...)} in a From user as text and runs nothing', async () => {
      const texts = await callFrom(systemAttack, greetingDid);
      expectNothingExpanded(texts);
      expect(texts[0]).toBe(`flite|kal|Hello system(touch ${marker})`);
    }, 60_000);

    it.each([
      ['$${esl_password}', '%24%24%7Besl_password%7D'],
      [
        '${esl_password}, a variable FreeSWITCH expands even with API expansion off',
        '%24%7Besl_password%7D',
      ],
      ['a percent escape that is not UTF-8', 'caller%C3%28'],
    ])(
      'answers and speaks safely for a From user of %s',
      async (_label, user) => {
        expectNothingExpanded(await callFrom(user, greetingDid));
      },
      60_000,
    );

    it('keeps the first 128 characters of a 300-character From user', async () => {
      const texts = await callFrom('9'.repeat(300), greetingDid);
      expectNothingExpanded(texts);
      expect(texts).toEqual([`flite|kal|Hello ${'9'.repeat(128)}`]);
    }, 180_000);

    it('speaks a CRM answer carrying the attack without expanding it', async () => {
      const texts = await callFrom('+15550006666', crmDid);
      expectNothingExpanded(texts);
      expect(texts[0]).toBe(`flite|kal|Hello system(touch ${marker}) esl password esl password`);
    }, 60_000);

    it('answers a fuzzed stream of INVITEs, each with a final response, and then a normal call', async () => {
      const hostile = [
        'caller%C3%28',
        '%FF%FE',
        '%',
        '%zz%2',
        'a%00b',
        '%24%7Bsystem(id)%7D',
        '$${x}',
        '9'.repeat(2000),
        '%C0%80',
        '%ED%A0%80',
      ];
      // drachtio-server drops a request line whose URI has a malformed escape
      // (`%zz`, a lone `%`) before Switchboard sees it; those go in the other headers.
      const wellFormed = (user: string) => !/%(?![0-9A-Fa-f]{2})/.test(user);
      const socket = createSocket('udp4');
      // From 127.0.0.2, which the rig does not trust: past 30 a second it is a flood.
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.2', resolve));
      const port = socket.address().port;
      const finals = new Map<string, number>();
      socket.on('message', (message) => {
        const text = message.toString('latin1');
        const status = /^SIP\/2\.0 (\d{3})/.exec(text)?.[1];
        const callId = /^Call-ID: *(.+)$/im.exec(text)?.[1]?.trim();
        if (status !== undefined && callId !== undefined && Number(status) >= 200) {
          finals.set(callId, Number(status));
        }
      });
      const [host = '127.0.0.1', sipPort = '5060'] = target.split(':');
      const sent: string[] = [];
      for (let round = 0; round < 100; round += 1) {
        const user = hostile[round % hostile.length]!;
        const callId = `fuzz-${round}-${randomUUID()}`;
        sent.push(callId);
        // To an unknown number: every field is parsed, nothing is answered.
        const invite = [
          `INVITE sip:${round % 3 === 0 && wellFormed(user) ? user : '+15559990000'}@${host}:${sipPort} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.2:${port};branch=z9hG4bK-fuzz-${round}`,
          'Max-Forwards: 70',
          `From: "${round % 5 === 0 ? user.slice(0, 50) : 'fuzz'}" <sip:${user}@127.0.0.1>;tag=f${round}`,
          `To: <sip:${round % 2 === 0 ? user : '+15559990000'}@${host}>`,
          `Call-ID: ${callId}`,
          'CSeq: 1 INVITE',
          `Contact: <sip:${user}@127.0.0.2:${port}>`,
          `P-Asserted-Identity: <sip:${user}@127.0.0.1>`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        socket.send(invite, Number(sipPort), host);
        // Paced: a burst of 8 KB datagrams overflows receive buffers on loopback.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const answered = await until(
        () => Promise.resolve(sent.filter((callId) => finals.has(callId)).length),
        (count) => count === sent.length,
        20_000,
      );
      socket.close();
      expect(answered, 'INVITEs with a final response').toBe(sent.length);
      const refused = sent.filter((callId) => finals.get(callId) === 503);
      expect(refused.length, 'INVITEs refused as a flood').toBeGreaterThan(0);
      // Still taking calls from other addresses, with nothing counted as a
      // fault (test/fault-guard.ts).
      expectNothingExpanded(await callFrom('+15550001111', greetingDid));
    }, 90_000);

    it("keeps callers' text literal on its own, with FreeSWITCH's API expansion turned back on", async () => {
      // The first wall alone: were `${md5(...)}` to reach FreeSWITCH, it would speak a hash.
      expect(await eslApi('fsctl', 'api_expansion on')).toContain('api_expansion is on');
      try {
        const texts = await callFrom('%24%7Bmd5(pwned)%7D', greetingDid);
        expect(texts).toEqual(['flite|kal|Hello md5(pwned)']);
      } finally {
        expect(await eslApi('fsctl', 'api_expansion off')).toContain('api_expansion is off');
      }
    }, 60_000);
  },
);
