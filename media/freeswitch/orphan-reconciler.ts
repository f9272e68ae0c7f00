import type { Logger } from '../../platform/logger.ts';
import type { CallClock } from '../../ivr/call-clock.ts';
import type { CreateEndpointOptions, MediaEndpoint, MediaServer } from './media-server.ts';

/**
 * The FreeSWITCH channels this process created and has not released. Every
 * endpoint must come from {@link OwnedEndpoints.track}'s server for the
 * reconciler to know it is ours.
 */
export class OwnedEndpoints {
  private readonly uuids = new Set<string>();

  /** `server` with every endpoint it creates recorded here until destroyed or ended. */
  track(server: MediaServer): MediaServer {
    const createEndpoint = async (options?: CreateEndpointOptions): Promise<MediaEndpoint> =>
      this.adopt(await server.createEndpoint(options));
    return new Proxy(server, {
      get: (target, property, receiver) =>
        property === 'createEndpoint'
          ? createEndpoint
          : (Reflect.get(target, property, receiver) as unknown),
    });
  }

  /**
   * Records an endpoint made some other way than `createEndpoint` (a
   * browser's offer joined by browser-media.ts) until destroyed or ended.
   */
  adopt<Endpoint extends MediaEndpoint>(endpoint: Endpoint): Endpoint {
    const owned = this.uuids;
    owned.add(endpoint.uuid);
    endpoint.on('destroy', () => owned.delete(endpoint.uuid));
    const destroy = endpoint.destroy.bind(endpoint);
    endpoint.destroy = () => {
      owned.delete(endpoint.uuid);
      return destroy();
    };
    return endpoint;
  }

  has(uuid: string): boolean {
    return this.uuids.has(uuid);
  }

  get size(): number {
    return this.uuids.size;
  }
}

export interface OrphanReconcilerOptions {
  /** The connected FreeSWITCH, or undefined while the event socket is down. */
  readonly mediaServer: () => MediaServer | undefined;
  readonly owned: OwnedEndpoints;
  readonly clock: CallClock;
  readonly logger: Logger;
  /** Time between sweeps. Default 30 s. */
  readonly intervalMs?: number;
}

/**
 * Ends FreeSWITCH sessions no live call owns (left behind by a crash, a lost
 * event socket or an overload): every sweep lists channels with `show
 * channels as json` and kills, with `uuid_kill`, those not owned here in two
 * sweeps running, so an endpoint being created during a sweep is never
 * touched. Assumes this process is the only application on that FreeSWITCH.
 *
 * @example
 * const reconciler = new OrphanReconciler({ mediaServer, owned, clock: systemCallClock, logger });
 * reconciler.start(); ... await reconciler.stop();
 */
export class OrphanReconciler {
  private suspects = new Set<string>();
  private timer: unknown;
  private sweeping: Promise<number> | undefined;

  constructor(private readonly options: OrphanReconcilerOptions) {}

  start(): void {
    if (this.timer !== undefined) return;
    const schedule = () => {
      this.timer = this.options.clock.setTimeout(() => {
        void this.sweep().finally(schedule);
      }, this.options.intervalMs ?? 30_000);
    };
    schedule();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** One sweep; resolves with how many channels were killed. Never rejects. */
  sweep(): Promise<number> {
    this.sweeping ??= this.runSweep().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async runSweep(): Promise<number> {
    const server = this.options.mediaServer();
    if (server === undefined) return 0;
    let uuids: string[];
    try {
      uuids = channelUuids(await server.api('show channels as json'));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not list FreeSWITCH channels');
      return 0;
    }
    const unowned = uuids.filter((uuid) => !this.options.owned.has(uuid));
    const orphans = unowned.filter((uuid) => this.suspects.has(uuid));
    this.suspects = new Set(unowned.filter((uuid) => !orphans.includes(uuid)));
    for (const uuid of orphans) {
      const reply = await server.api(`uuid_kill ${uuid}`).catch((error: unknown) => String(error));
      this.options.logger.warn(
        { uuid, reply: reply.trim() },
        'ended an orphaned FreeSWITCH session',
      );
    }
    return orphans.length;
  }
}

/** The channel UUIDs in a `show channels as json` reply (`{"row_count":0}` when there are none). */
export function channelUuids(reply: string): string[] {
  const parsed = JSON.parse(reply) as { rows?: readonly { uuid?: unknown }[] };
  return (parsed.rows ?? []).flatMap((row) => (typeof row.uuid === 'string' ? [row.uuid] : []));
}
