import type { Disposition, StepOutput } from './flow-context.ts';

/**
 * What a running flow reports for the call record, each tagged with the call
 * id. `atMs` is the call clock's epoch milliseconds.
 */
export type FlowEvent = {
  readonly callId: string;
  readonly flowId: string;
  readonly atMs: number;
} & (
  | { readonly type: 'flowStarted' }
  | { readonly type: 'stateEntered'; readonly statePath: string }
  | {
      readonly type: 'stepResult';
      readonly statePath: string;
      readonly step: string;
      readonly output: StepOutput;
    }
  | {
      readonly type: 'stepFailed';
      readonly statePath: string;
      readonly step: string;
      readonly error: string;
    }
  | { readonly type: 'dtmf'; readonly digit: string }
  | { readonly type: 'disposition'; readonly disposition: Disposition }
  | { readonly type: 'flowEnded'; readonly outcome: FlowOutcome }
);

/** Where flow events go: the call-record writer, the simulator, a test. */
export type FlowEventSink = (event: FlowEvent) => void;

/** How and where a flow ended. */
export interface FlowOutcome {
  readonly callId: string;
  readonly flowId: string;
  readonly reason:
    'completed' | 'callerHungUp' | 'transferred' | 'maxDuration' | 'maxSteps' | 'error';
  /** The state the flow was in when it ended. */
  readonly finalState: string;
  /** Where the call went: queue, transfer, voicemail, hang-up; null if it got nowhere. */
  readonly disposition: Disposition | null;
  readonly durationMs: number;
  /** States entered, counting re-entries. */
  readonly steps: number;
  /** What went wrong, for `error` and the limits. */
  readonly error?: string;
}
