import type { Redis } from 'ioredis';
import type { Clock } from '../../platform/clock.ts';
import type { CallControls } from './live-call-control.ts';

/** The live event type: topic `call`, so desktops that follow calls get it. */
export const callControlsEventType = 'call.controls';

/** One change of an agent's hold or mute, as told on the live event stream. */
export interface CallControlsChange {
  readonly callId: string;
  /** The agent on the call (the audience: their desktop, their supervisors). */
  readonly agentId: string | null;
  readonly queueId: string | null;
  readonly change: 'held' | 'resumed' | 'muted' | 'unmuted';
  /** Hold and mute after the change. */
  readonly controls: CallControls;
  /** Who asked: the agent, or a supervisor or admin. */
  readonly by: string;
}

/**
 * Appends `call.controls` entries to the live event stream, so every tab of
 * the agent's desktop and their supervisors see hold and mute change (the
 * event audience rules: the agent by `agentId`, supervisors by agent or
 * queue). Told by the API, which is where these changes are asked for, as
 * credential notices are; the entry carries no personal data (ids and
 * booleans only), so masking leaves it as it is.
 *
 * @example
 * await events.tell({ callId, agentId, queueId, change: 'held', controls, by: principal.userId });
 */
export class CallControlEvents {
  constructor(
    private readonly redis: Redis,
    private readonly streamKey: string,
    private readonly clock: Clock,
  ) {}

  async tell(change: CallControlsChange): Promise<void> {
    const at = this.clock.now();
    await this.redis.xadd(
      this.streamKey,
      '*',
      'id',
      `${callControlsEventType}:${change.callId}:${change.change}:${at}`,
      'type',
      callControlsEventType,
      'at',
      String(at),
      'callId',
      change.callId,
      'agentId',
      change.agentId ?? '',
      'queueId',
      change.queueId ?? '',
      'change',
      change.change,
      'held',
      String(change.controls.held),
      'muted',
      String(change.controls.muted),
      'by',
      change.by,
    );
  }
}
