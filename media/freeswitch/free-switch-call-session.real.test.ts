/**
 * The CallSession contract on a real FreeSWITCH through drachtio-fsmrf and a
 * real drachtio-server. The caller is a second FreeSWITCH endpoint whose
 * RTP is wired to the session's endpoint: its keys travel as RFC 2833 DTMF
 * and the session hears them as fsmrf `dtmf` events. Skipped, with the reason
 * printed, unless SWITCHBOARD_REAL_SIP=1 and the servers are configured.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeCallSessionContract } from '../../ivr/call-session-contract.ts';
import { systemCallClock } from '../../ivr/call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import { connectedLeg } from './connected-leg.ts';
import { FreeSwitchCallSession } from './free-switch-call-session.ts';
import type { DtmfEvent, MediaServer } from './media-server.ts';
import { DialogTwin } from './media-server-twin.ts';
import { connectRealServers, realServerSettings } from './real-servers.ts';

const real = realServerSettings(process.env);
const skipReason = 'skipReason' in real ? real.skipReason : undefined;
if (skipReason !== undefined) {
  console.info(`FreeSwitchCallSession real-server suite skipped: ${skipReason}`);
}

describe.skipIf(skipReason !== undefined)(
  `FreeSwitchCallSession on real servers${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let servers: Awaited<ReturnType<typeof connectRealServers>> | undefined;
    const mediaServer = (): MediaServer => {
      if (servers === undefined) throw new Error('servers not connected');
      return servers.mediaServer;
    };

    beforeAll(async () => {
      if ('settings' in real) servers = await connectRealServers(real.settings);
    });
    afterAll(() => servers?.close());

    describeCallSessionContract('FreeSwitchCallSession on real FreeSWITCH', async () => {
      const caller = await mediaServer().createEndpoint();
      const endpoint = await mediaServer().createEndpoint({ remoteSdp: caller.local.sdp });
      await caller.modify(endpoint.local.sdp);
      // The caller's SIP dialog is stood in for; its media is real.
      const dialog = new DialogTwin(`real-${endpoint.uuid}`);
      const session = new FreeSwitchCallSession({
        callId: endpoint.uuid,
        callerNumber: '+15550001111',
        dialedNumber: '+15550002222',
        caller: connectedLeg(dialog, endpoint),
        clock: systemCallClock,
        logger: createLogger({ level: 'silent' }),
        prompts: {
          promptsDir: 'settings' in real ? real.settings.promptsDir : '',
          voices: { en: { engine: 'flite', voice: 'kal' } },
        },
        recordingsDir: '/tmp',
        agentLegs: { take: () => undefined },
        dialer: { dial: () => Promise.resolve({ outcome: 'failed' }) },
      });
      let heard = 0;
      endpoint.on('dtmf', (_event: DtmfEvent) => (heard += 1));
      return {
        session,
        async pressKeys(keys) {
          const target = heard + keys.length;
          await caller.api('uuid_send_dtmf', [caller.uuid, keys]);
          for (let waited = 0; heard < target; waited += 20) {
            if (waited > 5000) throw new Error(`keys ${keys} did not arrive`);
            await sleep(20);
          }
        },
        async callerHangsUp() {
          await caller.destroy();
          dialog.hangUpFromFarEnd();
        },
        elapse: (ms) => sleep(ms),
        async close() {
          await session.hangup('normal');
          await caller.destroy();
          const exists = await mediaServer().api(`uuid_exists ${endpoint.uuid}`);
          expect(exists.trim()).toBe('false');
        },
      };
    });
  },
);
