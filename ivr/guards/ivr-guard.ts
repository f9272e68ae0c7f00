import type { z } from 'zod';
import type { SkillRequirement } from '../acd.ts';
import type { FlowContext, StepOutput } from '../flow-context.ts';

/** A reading from the ACD, taken just before a decision so guards stay synchronous. */
export type QueueReading =
  | {
      readonly kind: 'agentsAvailable';
      readonly queueId: string;
      readonly skills: readonly SkillRequirement[];
    }
  | { readonly kind: 'estimatedWait'; readonly queueId: string };

/** Stable key of a reading in {@link GuardInput.readings}. */
export function readingKey(reading: QueueReading): string {
  return JSON.stringify(reading);
}

/** What a guard decides on. */
export interface GuardInput {
  readonly context: FlowContext;
  /** The step result being branched on: the finished step's output, else the latest one. */
  readonly result: StepOutput | null;
  /** Milliseconds since the epoch on the call clock. */
  readonly now: number;
  /** ACD readings by {@link readingKey}; absent when the ACD could not be read. */
  readonly readings: Readonly<Record<string, number>>;
}

/**
 * A condition a flow may name on a transition
 * (`"guard": { "type": "digitsEqual", "params": { "digits": "1" } }`).
 * Each lives in its own file and is registered in `guard-table.ts`.
 */
export interface IvrGuard<Params extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly params: Params;
  /**
   * ACD readings the guard needs. Guards that have any may only be used on
   * `always` transitions of a state without `invoke`: the runtime reads the
   * ACD on entering that state, then decides.
   */
  readings?(params: z.output<Params>): readonly QueueReading[];
  check(params: z.output<Params>, input: GuardInput): boolean;
}
