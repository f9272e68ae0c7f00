import type { Redis } from 'ioredis';
import type { Clock } from '../platform/clock.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Logger } from '../platform/logger.ts';
import { SwitchboardError, type ErrorCode } from '../platform/switchboard-error.ts';
import { createAcdKeys, type AcdKeys } from './acd-keys.ts';
import { loadFunctionLibrary, type FunctionLibrary } from './scripts/script-source.ts';
import type { Deadline, DeadlineScheduler } from './timer/deadline.ts';

export type AcdScriptName =
  | 'accept-offer'
  | 'agent-status'
  | 'agents-available'
  | 'cancel'
  | 'complete-contact'
  | 'configure-agent'
  | 'configure-queue'
  | 'contact-placement'
  | 'end-backoff'
  | 'end-wrap-up'
  | 'engage-agent'
  | 'enqueue'
  | 'max-wait'
  | 'offer-unreachable'
  | 'queue-snapshot'
  | 'queue-wait-estimate'
  | 'reconcile-agent'
  | 'reconcile-contact'
  | 'reject-offer'
  | 'release-agent'
  | 'request-callback'
  | 'ring-timeout'
  | 'set-agent-state';

export interface AcdCommandsOptions {
  /** Commands connection; the scripts are defined on it. */
  readonly redis: Redis;
  /** Prefix of every routing key (e.g. `sb:`); one Redis can host several prefixes. */
  readonly keyPrefix: string;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /**
   * Approximate cap on the event stream (trimmed with MAXLEN ~). Consumers
   * that fall further behind than this lose events, so size it for the
   * Postgres writer's worst outage. Default 1,000,000.
   */
  readonly eventStreamMaxLength?: number;
  /** Fires deadlines on time; without one only the reconciler's sweep fires them. */
  readonly scheduler?: DeadlineScheduler;
}

/** An offer a routing operation just made: the agent's phone should ring. */
export interface OfferNotice {
  readonly offerId: string;
  readonly agentId: string;
  readonly contactId: string;
}

/** Every script's reply carries the offers it made; see scripts/includes/context.lua. */
export interface OffersMade {
  readonly offers: readonly OfferNotice[];
}

interface ScriptReply {
  readonly error?: ErrorCode;
  readonly message?: string;
  /** A stable word for why a script refused (e.g. `wrap-up`), passed on as `details.reason`. */
  readonly reason?: string;
  readonly due?: readonly Deadline[] | Record<string, never>;
}

const errorCodes = new Set<string>(['not_found', 'conflict', 'validation_failed']);

/**
 * Runs the ACD scripts: one call is one atomic routing operation. Adds the
 * common arguments (prefix, now, operation id), turns refusals into
 * {@link SwitchboardError}s and hands new deadlines to the scheduler.
 */
export class AcdCommands {
  readonly keys: AcdKeys;
  readonly redis: Redis;
  /** Script name -> function name in the library. */
  private readonly functions = new Map<AcdScriptName, string>();
  private readonly library: FunctionLibrary;
  private loading: Promise<unknown> | undefined;
  private readonly streamMaxLength: string;

  constructor(private readonly options: AcdCommandsOptions) {
    this.redis = options.redis;
    this.keys = createAcdKeys(options.keyPrefix);
    this.streamMaxLength = String(options.eventStreamMaxLength ?? 1_000_000);
    this.library = loadFunctionLibrary();
    for (const source of this.library.scripts) {
      this.functions.set(source.name as AcdScriptName, source.commandName);
    }
  }

  /**
   * Loads the library (FUNCTION LOAD REPLACE: same name, same code, so
   * harmless when another process already did). Runs on the first call and
   * again whenever Redis lost its functions (a restart without persistence,
   * FUNCTION FLUSH); concurrent callers share one load.
   */
  private loadLibrary(): Promise<unknown> {
    this.loading ??= this.redis
      .call('FUNCTION', 'LOAD', 'REPLACE', this.library.code)
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private async fcall(fn: string, argv: readonly (string | number)[], numKeys: number) {
    try {
      return await this.redis.call('FCALL', fn, numKeys, ...argv);
    } catch (error) {
      if (!/Function not found/i.test(String(error))) throw error;
      await this.loadLibrary();
      return this.redis.call('FCALL', fn, numKeys, ...argv);
    }
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Runs one script; `keys` and `args` are the script-specific KEYS and ARGV[5...]. */
  async run<T extends object>(
    name: AcdScriptName,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<T & OffersMade> {
    const fn = this.functions.get(name);
    if (!fn) throw new SwitchboardError('internal', `ACD script ${name} is not loaded`);
    let raw: string;
    try {
      const argv = [
        ...keys,
        this.options.keyPrefix,
        this.options.clock.now(),
        this.options.ids.next(),
        this.streamMaxLength,
        ...args,
      ];
      raw = String(await this.fcall(fn, argv, keys.length));
    } catch (error) {
      throw new SwitchboardError(
        'unavailable',
        `routing store failed running ${name}: ${String(error)}`,
      );
    }
    const reply = JSON.parse(raw) as ScriptReply & T & { offers?: unknown };
    if (reply.error) {
      const code: ErrorCode = errorCodes.has(reply.error) ? reply.error : 'internal';
      throw new SwitchboardError(
        code,
        reply.message ?? `${name} refused`,
        reply.reason === undefined ? undefined : { reason: reply.reason },
      );
    }
    const due = Array.isArray(reply.due) ? reply.due : [];
    if (due.length > 0 && this.options.scheduler) this.schedule(due);
    // cjson encodes an empty list as {}.
    const offers = Array.isArray(reply.offers) ? (reply.offers as OfferNotice[]) : [];
    return { ...reply, offers };
  }

  private schedule(deadlines: readonly Deadline[]): void {
    // Not awaited: the deadline is already durable in Redis, so a scheduling
    // failure only delays it until the reconciler's sweep.
    this.options.scheduler?.schedule(deadlines).catch((error: unknown) => {
      this.options.logger.warn({ err: error, deadlines }, 'could not schedule routing deadlines');
    });
  }
}
