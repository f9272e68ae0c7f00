import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import { eavesdropKeys, modeForKey, type SupervisionMode } from './supervision-mode.ts';
import type { SupervisionNotice } from './supervision-notice.ts';

export interface EavesdropOptions {
  readonly callId: string;
  readonly agentId: string;
  readonly supervisorId: string;
  /** Shown on the agent's desktop banner. */
  readonly supervisorName: string;
  /** The supervisor's answered phone. */
  readonly supervisor: ConnectedLeg;
  /** Where that phone registered from, for the audit log; null when unknown. */
  readonly supervisorAddress: string | null;
  /** FreeSWITCH channel of the agent leg being eavesdropped. */
  readonly agentUuid: string;
  readonly notice: SupervisionNotice;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * A supervisor joined to a call with FreeSWITCH `eavesdrop` on the agent's
 * channel, DTMF enabled. The mode changes by key on the supervisor's phone
 * (FreeSWITCH acts on it; we follow the `dtmf` event) or from the API (we
 * queue the same key on the supervisor's channel with `uuid_recv_dtmf`, as
 * if pressed). Every change is told (event; the audit log keeps the ones
 * made on the phone, see `auditLogNotice`); so are joining and leaving. When
 * the eavesdropped call ends, the supervisor is hung up (`via: system`).
 */
export class Eavesdrop {
  private current: SupervisionMode = 'listen';
  private running: Promise<void> | undefined;
  /** Set when Switchboard hangs the supervisor up (the call ended, shutdown). */
  private releasing = false;

  constructor(private readonly options: EavesdropOptions) {}

  get mode(): SupervisionMode {
    return this.current;
  }

  get ended(): boolean {
    return this.options.supervisor.ended;
  }

  /** Starts eavesdropping in `mode`; resolves once FreeSWITCH has it (not when it ends). */
  async start(mode: SupervisionMode): Promise<void> {
    const { supervisor } = this.options;
    await supervisor.endpoint.set('eavesdrop_enable_dtmf', 'true');
    supervisor.endpoint.on('dtmf', (event) => {
      const next = modeForKey(event.dtmf);
      if (next !== undefined && next !== this.current) void this.changed(next, 'phone');
    });
    supervisor.onEnded(
      () => void this.tell('supervision.left', this.releasing ? 'system' : 'phone'),
    );
    this.running = supervisor.endpoint
      .execute('eavesdrop', this.options.agentUuid)
      .then(
        () => undefined,
        (error: unknown) => this.options.logger.warn({ err: error }, 'eavesdrop failed'),
      )
      .finally(() => this.release());
    await this.tell('supervision.joined', 'api');
    if (mode !== 'listen') await this.setMode(mode);
  }

  /** Changes the mode from the API (a no-op when already in it). */
  async setMode(mode: SupervisionMode): Promise<void> {
    if (mode === this.current || this.ended) return;
    const { endpoint } = this.options.supervisor;
    await endpoint.api('uuid_recv_dtmf', `${endpoint.uuid} ${eavesdropKeys[mode]}`);
    await this.changed(mode, 'api');
  }

  /** Hangs the supervisor up and waits for eavesdrop to finish. */
  async stop(): Promise<void> {
    await this.release();
    await this.running;
  }

  private release(): Promise<void> {
    if (!this.options.supervisor.ended) this.releasing = true;
    return this.options.supervisor.hangup();
  }

  private async changed(mode: SupervisionMode, via: 'api' | 'phone'): Promise<void> {
    this.current = mode;
    await this.tell('supervision.mode-changed', via);
  }

  private tell(
    type: 'supervision.joined' | 'supervision.mode-changed' | 'supervision.left',
    via: 'api' | 'phone' | 'system',
  ) {
    const { callId, agentId, supervisorId, supervisorName, supervisorAddress, notice, clock } =
      this.options;
    return notice.tell({
      type,
      callId,
      agentId,
      supervisorId,
      supervisorName,
      mode: this.current,
      via,
      sourceAddress: supervisorAddress,
      at: clock.now(),
    });
  }
}
