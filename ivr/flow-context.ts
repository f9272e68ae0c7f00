/** A value a flow can hold in a variable: what JSON and YAML can spell without nesting. */
export type FlowValue = string | number | boolean | null;

/** What a flow knows about its call; the XState machine's context. */
export interface FlowContext {
  readonly call: {
    readonly id: string;
    readonly callerNumber: string;
    readonly dialedNumber: string;
    /** Tags of the caller's contact record (`vip`, `blocked`, ...), looked up before the flow starts. */
    readonly tags: readonly string[];
  };
  /** Flow variables: the flow file's `context`, then `setVariables` and `httpLookup` results. */
  readonly vars: Readonly<Record<string, FlowValue>>;
  /** Digits from the latest `gather` or `menu`. */
  readonly digits: string;
  /** Output of the latest step, for guards on later transitions. */
  readonly lastResult: StepOutput | null;
}

/**
 * What every IVR step resolves with. `status` is what flows branch on with the
 * `resultIs` guard; the other fields are step-specific.
 */
export interface StepOutput {
  readonly status: string;
  readonly digits?: string;
  readonly choice?: string;
  /** Merged into the flow's variables. */
  readonly variables?: Readonly<Record<string, FlowValue>>;
  readonly [detail: string]: unknown;
}

/** Where a call went, as far as the flow took it; the call record's disposition. */
export type Disposition =
  | {
      readonly kind: 'queued';
      readonly queueId: string;
      readonly priority: number;
      readonly result: 'waiting' | 'answered' | 'callback' | 'timedOut' | 'abandoned';
      readonly agentId?: string;
    }
  | { readonly kind: 'transfer'; readonly destination: string; readonly result: string }
  | {
      readonly kind: 'voicemail';
      readonly mailbox: string;
      readonly voicemailId: string;
      readonly ticketId: string;
    }
  | { readonly kind: 'hungUp'; readonly cause: string };
