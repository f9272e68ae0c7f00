import type { z } from 'zod';
import type { Logger } from '../../platform/logger.ts';
import type { Acd } from '../acd.ts';
import type { CallClock } from '../call-clock.ts';
import type { CallSession } from '../call-session.ts';
import type { Disposition, FlowContext, StepOutput } from '../flow-context.ts';
import type { Language } from '../prompt-param.ts';
import type { VoicemailBox } from '../voicemail-box.ts';

/** What a running step may use. Everything with IO arrives here; steps import none. */
export interface StepContext {
  readonly session: CallSession;
  readonly acd: Acd;
  readonly voicemail: VoicemailBox;
  readonly clock: CallClock;
  readonly fetch: typeof fetch;
  /** Hosts that may be called over plain http; every other host needs https. */
  readonly plainHttpHosts: readonly string[];
  /** The flow's context when the step started. */
  readonly flow: FlowContext;
  /** Aborted when the flow leaves the step's state (or the call ends). */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /**
   * Records where the call went; the last report becomes the call's
   * disposition, except that a plain hang-up never replaces an earlier one.
   */
  report(disposition: Disposition): void;
  /**
   * Marks real IO (network) so a simulated clock stands still until it
   * settles; on a live call it returns `work` unchanged.
   */
  external<T>(work: Promise<T>): Promise<T>;
  /**
   * Work that must finish even if the flow is stopped (storing a voicemail,
   * leaving a queue); the runtime waits for it before the flow counts as done.
   */
  track<T>(work: Promise<T>): Promise<T>;
}

/** A recorded prompt a step will play, for the validator's missing-audio check. */
export interface PromptFileRef {
  readonly name: string;
  readonly language?: Language;
}

/**
 * One IVR step a flow can invoke by name (`invoke: { src: 'gather', input: {...} }`).
 * Each lives in its own file and is registered in `actor-table.ts`.
 *
 * @example
 * export const answer: IvrActor<typeof answerParams> = {
 *   name: 'answer', params: answerParams, results: ['ok'],
 *   async run(_params, step) { await step.session.answer(step.signal); return { status: 'ok' }; },
 * };
 */
export interface IvrActor<Params extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** Parameter schema; defaults are applied before {@link run}. */
  readonly params: Params;
  /** Every `status` the step can resolve with, for docs and the validator. */
  readonly results: readonly string[];
  /** True when the step always ends the call, so its state needs no way out. */
  readonly endsCall?: boolean;
  /** True when the step collects digits, so its state must handle `noinput`. */
  readonly collectsInput?: boolean;
  /** Recorded prompts the step plays, for the validator. */
  promptFiles?(params: z.output<Params>, language: Language): readonly PromptFileRef[];
  run(params: z.output<Params>, step: StepContext): Promise<StepOutput>;
}
