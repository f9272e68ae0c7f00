import { describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import type { MediaServer } from './media-server.ts';
import { MediaServerConnection } from './media-server-connection.ts';
import { MediaServerTwin } from './media-server-twin.ts';

function connection(outcomes: Array<'fail' | 'ok'>) {
  const clock = new SimulatedCallClock(0);
  const servers: MediaServerTwin[] = [];
  let attempts = 0;
  const freeswitch = new MediaServerConnection({
    address: { host: '127.0.0.1', port: 8021, secret: 'ClueCon' },
    clock,
    logger: createLogger({ level: 'silent' }),
    initialDelayMs: 100,
    maxDelayMs: 1000,
    connect: () => {
      const outcome = outcomes[attempts] ?? 'ok';
      attempts += 1;
      if (outcome === 'fail') return Promise.reject(new Error('ECONNREFUSED'));
      const server = new MediaServerTwin(clock);
      servers.push(server);
      return Promise.resolve(server);
    },
  });
  return { clock, freeswitch, servers, attempts: () => attempts };
}

describe('MediaServerConnection', () => {
  it('retries a refused connection with growing delays until FreeSWITCH answers', async () => {
    const { clock, freeswitch, attempts } = connection(['fail', 'fail', 'fail', 'ok']);
    await freeswitch.start();
    expect(freeswitch.state).toBe('connecting');
    await clock.advance(99);
    expect(attempts()).toBe(1);
    await clock.advance(1);
    expect(attempts()).toBe(2);
    await clock.advance(199);
    expect(attempts()).toBe(2);
    await clock.advance(1);
    expect(attempts()).toBe(3);
    await clock.advance(400);
    expect(attempts()).toBe(4);
    expect(freeswitch.state).toBe('connected');
    expect(freeswitch.mediaServer).toBeDefined();
    freeswitch.close();
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('tells listeners when the event socket drops, then reconnects', async () => {
    const { clock, freeswitch, servers } = connection(['ok', 'fail', 'ok']);
    const lost: MediaServer[] = [];
    freeswitch.onLost((server) => lost.push(server));
    await freeswitch.start();
    servers[0]?.loseConnection();
    expect(lost).toEqual([servers[0]]);
    expect(freeswitch.state).toBe('reconnecting');
    expect(freeswitch.mediaServer).toBeUndefined();
    await clock.advance(100);
    expect(freeswitch.state).toBe('reconnecting');
    await clock.advance(200);
    expect(freeswitch.state).toBe('connected');
    expect(freeswitch.mediaServer).toBe(servers[1]);
    freeswitch.close();
  });
});
