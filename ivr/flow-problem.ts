/**
 * One thing wrong with a flow file, pinned to the state it concerns. The
 * validator reports every problem it finds, each on its own line.
 */
export interface FlowProblem {
  readonly file: string;
  /** State path like `mainMenu.retry`; `(root)` for the machine itself, `(file)` when unparsable. */
  readonly statePath: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** `flows/main.json:12:7: mainMenu: unknown actor "gahter"` */
export function formatProblem(problem: FlowProblem): string {
  const where =
    problem.line === undefined
      ? problem.file
      : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return `${where}: ${problem.statePath}: ${problem.message}`;
}
