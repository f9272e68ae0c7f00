/** The orphan reconciler against the fsmrf twin (`show channels as json`, `uuid_kill`) on simulated time. */
import { describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import { MediaServerTwin, type EndpointTwin } from './media-server-twin.ts';
import { channelUuids, OrphanReconciler, OwnedEndpoints } from './orphan-reconciler.ts';

function rig() {
  const clock = new SimulatedCallClock(0);
  const server = new MediaServerTwin(clock);
  const owned = new OwnedEndpoints();
  const tracked = owned.track(server);
  const reconciler = new OrphanReconciler({
    mediaServer: () => tracked,
    owned,
    clock,
    logger: createLogger({ level: 'silent' }),
    intervalMs: 30_000,
  });
  return { clock, server, owned, tracked, reconciler };
}

describe('OrphanReconciler', () => {
  it('kills channels nobody here owns after two sweeps, and leaves owned ones alone', async () => {
    const { clock, server, tracked, reconciler } = rig();
    const ours = (await tracked.createEndpoint()) as EndpointTwin;
    const orphan = (await server.createEndpoint()) as EndpointTwin;
    reconciler.start();
    await clock.advance(30_000);
    expect(orphan.destroyed).toBe(false);
    await clock.advance(30_000);
    expect(orphan.destroyed).toBe(true);
    expect(ours.destroyed).toBe(false);
    expect(server.apiCommands).toContain(`uuid_kill ${orphan.uuid}`);
    await reconciler.stop();
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('forgets endpoints we released, so a leaked FreeSWITCH side is reaped', async () => {
    const { server, owned, tracked, reconciler } = rig();
    const endpoint = (await tracked.createEndpoint()) as EndpointTwin;
    expect(owned.size).toBe(1);
    await endpoint.destroy();
    expect(owned.size).toBe(0);
    const lingering = (await server.createEndpoint()) as EndpointTwin;
    expect(await reconciler.sweep()).toBe(0);
    expect(await reconciler.sweep()).toBe(1);
    expect(lingering.destroyed).toBe(true);
  });

  it('drops ownership when FreeSWITCH ends the channel itself', async () => {
    const { owned, tracked } = rig();
    const endpoint = (await tracked.createEndpoint()) as EndpointTwin;
    endpoint.endFromServer();
    expect(owned.size).toBe(0);
  });

  it('does nothing while FreeSWITCH is not connected', async () => {
    const reconciler = new OrphanReconciler({
      mediaServer: () => undefined,
      owned: new OwnedEndpoints(),
      clock: new SimulatedCallClock(0),
      logger: createLogger({ level: 'silent' }),
    });
    expect(await reconciler.sweep()).toBe(0);
  });

  it.each([
    ['{"row_count":0}', []],
    ['{"row_count":2,"rows":[{"uuid":"a","name":"sofia/x"},{"uuid":"b"}]}', ['a', 'b']],
  ])('reads channel uuids from %s', (reply, uuids) => {
    expect(channelUuids(reply)).toEqual(uuids);
  });
});
