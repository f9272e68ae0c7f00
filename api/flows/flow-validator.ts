/** One problem in a flow definition, located by its state path. */
export interface FlowProblem {
  /** e.g. `states.menu.on.DTMF_1`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Checks an uploaded flow definition before it is stored. Owned here, by the
 * API; implemented by the IVR flow validator (ivr/), which reports every
 * problem with its state path.
 *
 * @example
 * const problems = validator.validate(definition); // [] when the flow may be published
 */
export interface FlowValidator {
  validate(definition: Readonly<Record<string, unknown>>): readonly FlowProblem[];
}
