import { settleWithin, type CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { MediaEndpoint } from '../freeswitch/media-server.ts';
import type { ConnectedCall, LiveCalls } from './live-calls.ts';

/** Hold and mute of one call, as the API's `CallControls`. */
export interface AgentCallControlState {
  readonly held: boolean;
  readonly muted: boolean;
}

export interface AgentCallControlsOptions {
  readonly calls: Pick<LiveCalls, 'connected'>;
  /** What a held customer hears, e.g. `local_stream://default` (docker/freeswitch local_stream.conf.xml). */
  readonly holdMusic: string;
  /** How long one FreeSWITCH command may take before the request fails. Default 5 s. */
  readonly commandLimitMs?: number;
  readonly clock: CallClock;
  readonly logger: Logger;
}

/** DTMF's 16 symbols, 1 to 32 of them: nothing FreeSWITCH would read as a command or a pause. */
const dtmfDigits = /^[0-9*#A-D]{1,32}$/;

/** What is done to one agent leg now; it goes when the leg or the call ends. */
interface LegControls {
  readonly agent: ConnectedLeg;
  /** Music playing to the held customer; `playing` turns false once FreeSWITCH stops it. */
  music: { playing: boolean; readonly done: Promise<void> } | undefined;
  muted: boolean;
}

/**
 * Hold, mute and the keypad of the agent on a call in progress, done on
 * FreeSWITCH (not on the agent's phone), so they work the same for a desk
 * phone and the browser softphone.
 *
 * - Hold parks both channels out of their bridge (`uuid_transfer <customer>
 *   -both park inline`, as a queue transfer does) and plays the hold music
 *   to the customer, as waiting callers hear it; agent and customer hear
 *   nothing of each other. Resume stops the music (`uuid_break`) and bridges
 *   them again. The recording, a media bug on the customer's channel, keeps
 *   running through the hold: its left channel keeps the customer, its
 *   right channel has the music (what the customer hears), never the agent.
 * - Mute replaces what FreeSWITCH reads from the agent's channel with
 *   silence (`uuid_audio <agent> start read mute 1`; `stop` undoes it): the
 *   customer and the recording hear silence, the agent still hears the
 *   customer. A mute outlasts hold and resume (the media bug stays on the
 *   agent's channel).
 * - DTMF goes to the customer's channel (`uuid_send_dtmf`), so the far end
 *   (an IVR the agent dialled) receives the keys.
 *
 * State belongs to the agent leg bridged now: a call handed to another leg
 * (a transfer) starts neither held nor muted. Requests on one call run one
 * at a time.
 *
 * @example
 * const controls = new AgentCallControls({ calls, holdMusic: 'local_stream://default', clock, logger });
 * await controls.hold(callId); // { held: true, muted: false }
 */
export class AgentCallControls {
  private readonly legs = new Map<string, LegControls>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: AgentCallControlsOptions) {}

  hold(callId: string): Promise<AgentCallControlState> {
    return this.oneAtATime(callId, async () => {
      const { call, controls } = this.current(callId);
      if (controls.music === undefined) {
        const customer = call.customerEndpoint;
        await this.command(customer, 'uuid_transfer', [customer.uuid, '-both', 'park', 'inline']);
        controls.music = this.playMusic(customer);
      }
      return stateOf(controls);
    });
  }

  resume(callId: string): Promise<AgentCallControlState> {
    return this.oneAtATime(callId, async () => {
      const { call, controls } = this.current(callId);
      const music = controls.music;
      if (music === undefined) return stateOf(controls);
      const customer = call.customerEndpoint;
      if (music.playing) await this.command(customer, 'uuid_break', [customer.uuid]);
      await settleWithin(this.options.clock, this.limitMs, music.done);
      try {
        await this.bounded('uuid_bridge', customer.bridge(controls.agent.endpoint));
      } catch (error) {
        // Still held: the customer keeps hearing music rather than silence.
        controls.music = this.playMusic(customer);
        throw error;
      }
      controls.music = undefined;
      return stateOf(controls);
    });
  }

  mute(callId: string): Promise<AgentCallControlState> {
    return this.setMuted(callId, true);
  }

  unmute(callId: string): Promise<AgentCallControlState> {
    return this.setMuted(callId, false);
  }

  async sendDtmf(callId: string, digits: string): Promise<void> {
    // Checked here too: digits reach a FreeSWITCH command line.
    if (!dtmfDigits.test(digits)) {
      throw new SwitchboardError('validation_failed', 'DTMF digits are 1-32 of 0-9 * # A-D');
    }
    const { call } = this.current(callId);
    const customer = call.customerEndpoint;
    await this.command(customer, 'uuid_send_dtmf', [customer.uuid, digits]);
  }

  /** Hangs up the agent's leg (BYE to their phone, its FreeSWITCH channel released). */
  async hangUpAgent(callId: string): Promise<void> {
    const { controls } = this.current(callId);
    await controls.agent.hangup();
  }

  /** Hold and mute when the call is bridged to an agent here; undefined otherwise. */
  controls(callId: string): AgentCallControlState | undefined {
    const call = this.options.calls.connected(callId);
    const peer = call?.bridgedPeer;
    if (call === undefined || call.ended || peer?.agentId === undefined) return undefined;
    const controls = this.legs.get(callId);
    return controls?.agent === peer.leg ? stateOf(controls) : { held: false, muted: false };
  }

  private setMuted(callId: string, muted: boolean): Promise<AgentCallControlState> {
    return this.oneAtATime(callId, async () => {
      const { controls } = this.current(callId);
      if (controls.muted !== muted) {
        const agent = controls.agent.endpoint;
        await this.command(
          agent,
          'uuid_audio',
          muted ? [agent.uuid, 'start', 'read', 'mute', '1'] : [agent.uuid, 'stop'],
        );
        controls.muted = muted;
      }
      return stateOf(controls);
    });
  }

  /** The call and the controls of its agent leg; `conflict` when no agent is bridged. */
  private current(callId: string): { call: ConnectedCall; controls: LegControls } {
    const call = this.options.calls.connected(callId);
    if (call === undefined || call.ended) {
      throw new SwitchboardError('conflict', 'The call is not in progress');
    }
    const peer = call.bridgedPeer;
    if (peer?.agentId === undefined || peer.leg.ended) {
      throw new SwitchboardError('conflict', 'The call is not connected to an agent');
    }
    const known = this.legs.get(callId);
    if (known?.agent === peer.leg) return { call, controls: known };
    const controls: LegControls = { agent: peer.leg, music: undefined, muted: false };
    this.legs.set(callId, controls);
    const forget = () => {
      if (this.legs.get(callId) === controls) this.legs.delete(callId);
    };
    call.onHangup(forget);
    peer.leg.onEnded(() => {
      // The agent hung up on hold: the customer must not be left with music
      // forever (a flow step after the bridge would queue behind it).
      const music = controls.music;
      if (music?.playing === true && !call.ended) {
        const customer = call.customerEndpoint;
        void this.command(customer, 'uuid_break', [customer.uuid]).catch((error: unknown) =>
          this.logFailure(callId, 'uuid_break', error),
        );
      }
      forget();
    });
    return { call, controls };
  }

  /** Starts the hold music; it plays until `uuid_break` or until the channel leaves park. */
  private playMusic(customer: MediaEndpoint): NonNullable<LegControls['music']> {
    const music = {
      playing: true,
      done: customer.play(this.options.holdMusic).then(
        () => undefined,
        (error: unknown) => this.options.logger.warn({ err: error }, 'hold music failed'),
      ),
    };
    void music.done.then(() => (music.playing = false));
    return music;
  }

  /** Runs an API command on `endpoint`'s channel, bounded; a `-ERR` reply is a failure. */
  private async command(
    endpoint: MediaEndpoint,
    command: string,
    args: readonly string[],
  ): Promise<void> {
    const reply = await this.bounded(command, endpoint.api(command, args));
    const body = reply.getBody().trim();
    if (body.startsWith('-')) {
      throw new SwitchboardError('unavailable', `FreeSWITCH refused ${command}: ${body}`);
    }
  }

  private async bounded<T>(what: string, work: Promise<T>): Promise<T> {
    if ((await settleWithin(this.options.clock, this.limitMs, work)) === 'timedOut') {
      throw new SwitchboardError('unavailable', `FreeSWITCH did not answer ${what} in time`);
    }
    return work;
  }

  private get limitMs(): number {
    return this.options.commandLimitMs ?? 5_000;
  }

  /** Runs `work` after every earlier request on the call has settled. */
  private oneAtATime<T>(callId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(callId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(callId, settled);
    void settled.then(() => {
      if (this.queues.get(callId) === settled) this.queues.delete(callId);
    });
    return next;
  }

  private logFailure(callId: string, operation: string, error: unknown): void {
    this.options.logger.warn({ callId, operation, err: error }, 'call control command failed');
  }
}

function stateOf(controls: LegControls): AgentCallControlState {
  return { held: controls.music !== undefined, muted: controls.muted };
}
