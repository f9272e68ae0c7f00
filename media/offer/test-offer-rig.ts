/**
 * Test support for offers: the real Redis ACD (routing's createRedisRouting on
 * a test Redis prefix), the real RegistrationStore, and the drachtio/fsmrf
 * twins, all on one simulated call clock so ring timeouts are simulated time.
 * Only drachtio-server and FreeSWITCH are stood in for.
 */
import { vi } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { SequentialIdGenerator } from '../../platform/id-generator.ts';
import { createLogger } from '../../platform/logger.ts';
import type { AcdEvent } from '../../routing/acd-event.ts';
import { parseAcdEvent } from '../../routing/acd-event.ts';
import { createRedisRouting } from '../../routing/create-redis-routing.ts';
import { createTestRedis } from '../../test/test-redis.ts';
import type { CallRecordItem, CallRecordSink } from '../call-record/call-record.ts';
import { MediaServerTwin, type EndpointTwin } from '../freeswitch/media-server-twin.ts';
import { RegistrationStore } from '../registrar/registration-store.ts';
import { UacTwin } from '../sip/sip-uac-twin.ts';
import { AgentLegBroker } from './agent-leg-broker.ts';
import { DeviceRinger } from './device-ringer.ts';

export const rigPrompts = {
  promptsDir: '/usr/share/switchboard/prompts',
  voices: { en: { engine: 'flite', voice: 'kal' } },
  music: { default: 'moh/default' },
};

export function createOfferRig() {
  const testRedis = createTestRedis();
  const clock = new SimulatedCallClock(1_700_000_000_000);
  const logger = createLogger({ level: 'silent' });
  const redis = testRedis.connect();
  const routing = createRedisRouting({
    redis,
    blockingRedis: testRedis.connect(),
    keyPrefix: testRedis.keyPrefix,
    clock,
    ids: new SequentialIdGenerator('op'),
    logger,
  });
  const server = new MediaServerTwin(clock);
  const sip = new UacTwin();
  const registrations = new RegistrationStore(redis, clock, testRedis.keyPrefix);
  const ringer = new DeviceRinger({ sip, mediaServer: () => server, clock, logger });
  const legs = new AgentLegBroker({ clock, logger });
  const written: CallRecordItem[] = [];
  /** Call records in the order written (Postgres is not part of this rig). */
  const records: CallRecordSink & { readonly written: CallRecordItem[] } = {
    written,
    write: (item) => void written.push(item),
  };
  return {
    clock,
    logger,
    routing,
    server,
    sip,
    registrations,
    ringer,
    legs,
    records,
    /** An agent in `queueId`, logged in, with phones registered at `contacts`. */
    async agent(agentId: string, contacts: readonly string[], queueId = 'support') {
      await routing.admin.configureAgent({ agentId, skills: {}, queues: [{ queueId }] });
      await registrations.save(
        agentId,
        contacts.map((contact, index) => ({
          contact,
          expiresAt: clock.now() + 3_600_000,
          callId: `reg-${agentId}-${index}`,
          cseq: 1,
          sourceAddress: '198.51.100.7',
        })),
      );
      await routing.desk.logIn(agentId);
    },
    async events(): Promise<AcdEvent[]> {
      const entries = await redis.xrange(routing.commands.keys.events(), '-', '+');
      return entries.map(([id, fields]) => parseAcdEvent(id, fields));
    },
    async eventTypes(): Promise<string[]> {
      return (await this.events()).map((event) => event.type);
    },
    /** Waits (real time, polling) until `check` passes, letting simulated work settle between tries. */
    async until(check: () => void | Promise<void>): Promise<void> {
      await vi.waitFor(
        async () => {
          await clock.advance(0);
          await check();
        },
        { timeout: 5_000, interval: 20 },
      );
    },
    endpoints(): EndpointTwin[] {
      return server.endpoints;
    },
    async cleanup() {
      await routing.close();
      await testRedis.cleanup();
    },
  };
}

export type OfferRig = ReturnType<typeof createOfferRig>;
