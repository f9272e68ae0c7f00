import type { z } from 'zod';
import { actorTable } from './actors/actor-table.ts';
import type { IvrActor } from './actors/ivr-actor.ts';
import { guardTable } from './guards/guard-table.ts';
import type { FlowProblem } from './flow-problem.ts';
import {
  isProblem,
  parseFlowSource,
  type DocumentPath,
  type ParsedFlowSource,
} from './flow-source.ts';
import {
  isRecord,
  listStates,
  listTransitions,
  resolveTarget,
  statePathText,
  type FlowState,
  type FlowTransition,
} from './flow-states.ts';
import { checkFlowGraph } from './check-flow-graph.ts';
import { checkFlowPrompts } from './check-flow-prompts.ts';
import type { Language } from './prompt-param.ts';
import { unknownReferences } from './template.ts';

/** A flow file that passed validation: plain data ready for `buildFlowMachine`. */
export interface FlowDefinition {
  readonly id: string;
  readonly file: string;
  /** The machine config exactly as written. */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface ValidationOptions {
  /** True when the recorded prompt `<language>/<name>.wav` exists. */
  readonly promptExists: (name: string, language: Language) => boolean;
}

export interface ValidationResult {
  readonly problems: readonly FlowProblem[];
  /** Present only when there are no problems. */
  readonly definition?: FlowDefinition;
}

const rootKeys = new Set([
  'id',
  'initial',
  'states',
  'context',
  'description',
  'version',
  'meta',
  '$schema',
  'on',
]);
const stateKeys = new Set([
  'type',
  'initial',
  'states',
  'invoke',
  'on',
  'always',
  'after',
  'onDone',
  'description',
  'meta',
  'id',
  'tags',
]);
const codeKeys = new Set(['entry', 'exit', 'actions']);
const invokeKeys = new Set(['src', 'input', 'id', 'onDone', 'onError']);
const transitionKeys = new Set(['target', 'guard', 'description', 'reenter', 'meta']);
/** Events the runtime sends; hang-up is handled by the runtime itself. */
const flowEvents = new Set(['call.dtmf']);

/**
 * Checks a flow file's text and reports every problem with its state path:
 * unparsable text (line and column), unknown or misused actors and guards,
 * bad parameters, missing targets, unreachable states, states with no way
 * out, `gather`/`menu` without no-input handling, no path that ends the
 * call, loops of `always` transitions, and prompts whose audio is missing.
 *
 * @example
 * const { problems } = validateFlowSource(text, 'flows/main-menu.json', { promptExists });
 */
export function validateFlowSource(
  text: string,
  file: string,
  options: ValidationOptions,
): ValidationResult {
  const parsed = parseFlowSource(text, file);
  if (isProblem(parsed)) return { problems: [parsed] };
  const problems = new FlowChecker(file, parsed, options).check();
  if (problems.length > 0) return { problems };
  const config = parsed.data as Record<string, unknown>;
  return { problems, definition: { id: String(config['id']), file, config } };
}

class FlowChecker {
  private readonly problems: FlowProblem[] = [];
  private states: FlowState[] = [];
  private rootId: string | undefined;

  constructor(
    private readonly file: string,
    private readonly source: ParsedFlowSource,
    private readonly options: ValidationOptions,
  ) {}

  check(): FlowProblem[] {
    const root = this.source.data;
    if (!isRecord(root)) {
      this.report([], [], 'a flow must be an object with id, initial and states');
      return this.problems;
    }
    this.checkRoot(root);
    if (!isRecord(root['states']) || Object.keys(root['states']).length === 0) return this.problems;
    this.states = listStates(root);
    for (const state of this.states) this.checkState(state);
    checkFlowGraph(this.states, this.rootId, (path, documentPath, message) =>
      this.report(path, documentPath, message),
    );
    checkFlowPrompts(root, this.states, this.options.promptExists, (path, documentPath, message) =>
      this.report(path, documentPath, message),
    );
    return this.problems;
  }

  private report(path: readonly string[], documentPath: DocumentPath, message: string): void {
    let where = this.source.locate(documentPath);
    // Point at the nearest enclosing node that exists (a missing key has no position).
    for (let cut = documentPath.length - 1; where === undefined && cut >= 0; cut--) {
      where = this.source.locate(documentPath.slice(0, cut));
    }
    this.problems.push({
      file: this.file,
      statePath: statePathText(path),
      message,
      line: where?.line,
      column: where?.column,
    });
  }

  private checkRoot(root: Record<string, unknown>): void {
    for (const key of Object.keys(root)) {
      if (codeKeys.has(key)) this.report([], [key], codeMessage(key));
      else if (!rootKeys.has(key))
        this.report([], [key], `unknown key "${key}" at the top of a flow`);
    }
    if (typeof root['id'] !== 'string' || root['id'] === '') {
      this.report([], ['id'], 'the flow needs an "id" (a name such as "main-menu")');
    } else {
      this.rootId = root['id'];
    }
    if (!isRecord(root['states']) || Object.keys(root['states']).length === 0) {
      this.report([], ['states'], 'the flow needs "states" with at least one state');
    }
    const context = root['context'];
    if (context !== undefined) {
      if (!isRecord(context)) {
        this.report([], ['context'], '"context" must map variable names to values');
      } else {
        for (const [name, value] of Object.entries(context)) {
          if (!/^[A-Za-z_]\w*$/.test(name)) {
            this.report([], ['context', name], `"${name}" is not a valid variable name`);
          }
          if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
            this.report(
              [],
              ['context', name],
              `variable "${name}" must be a string, number, boolean or null`,
            );
          }
        }
      }
    }
  }

  private checkState(state: FlowState): void {
    const { node, path, documentPath } = state;
    const at = (...more: (string | number)[]) => [...documentPath, ...more];
    const key = path.at(-1);
    if (key !== undefined && (key.startsWith('__') || /[.#]/.test(key))) {
      this.report(
        path,
        documentPath,
        `state name "${key}" may not start with "__" or contain "." or "#"`,
      );
    }
    if (path.length > 0) {
      for (const name of Object.keys(node)) {
        if (codeKeys.has(name)) this.report(path, at(name), codeMessage(name));
        else if (!stateKeys.has(name))
          this.report(path, at(name), `unknown key "${name}" in a state`);
      }
    }
    const type = node['type'];
    if (type !== undefined && type !== 'final' && type !== 'compound' && type !== 'atomic') {
      this.report(
        path,
        at('type'),
        `state type ${JSON.stringify(type)} is not supported; use "final" or nested states`,
      );
    }
    if (state.children.length > 0) {
      const initial = node['initial'];
      if (typeof initial !== 'string') {
        this.report(path, at('initial'), 'a state with child states needs "initial"');
      } else if (!state.children.includes(initial)) {
        this.report(path, at('initial'), `initial state "${initial}" does not exist`);
      }
    }
    if (node['type'] === 'final') {
      for (const name of ['invoke', 'on', 'always', 'after', 'states']) {
        if (node[name] !== undefined)
          this.report(path, at(name), `a final state cannot have "${name}"`);
      }
    }
    if (node['after'] !== undefined) {
      if (!isRecord(node['after']))
        this.report(path, at('after'), '"after" must map delays in milliseconds to transitions');
      else {
        for (const delay of Object.keys(node['after'])) {
          if (!/^\d+$/.test(delay))
            this.report(
              path,
              at('after', delay),
              `delay "${delay}" must be a whole number of milliseconds`,
            );
        }
      }
    }
    if (node['on'] !== undefined) {
      if (!isRecord(node['on']))
        this.report(path, at('on'), '"on" must map event names to transitions');
      else {
        for (const event of Object.keys(node['on'])) {
          if (event === 'call.hangup') {
            this.report(
              path,
              at('on', event),
              'a caller hanging up always ends the flow; "call.hangup" cannot be handled',
            );
          } else if (!flowEvents.has(event)) {
            this.report(
              path,
              at('on', event),
              `no one sends "${event}"; flows receive only ${[...flowEvents].join(', ')}`,
            );
          }
        }
      }
    }
    this.checkInvoke(state);
    for (const transition of listTransitions(state)) this.checkTransition(state, transition);
  }

  private checkInvoke(state: FlowState): void {
    const invoke = state.node['invoke'];
    if (invoke === undefined) return;
    const where = [...state.documentPath, 'invoke'];
    if (!isRecord(invoke)) {
      this.report(
        state.path,
        where,
        '"invoke" must be one step: { "src": ..., "input": {...} } (one step per state)',
      );
      return;
    }
    for (const key of Object.keys(invoke)) {
      if (!invokeKeys.has(key))
        this.report(state.path, [...where, key], `unknown key "${key}" in invoke`);
    }
    const src = invoke['src'];
    const actor = typeof src === 'string' ? actorTable.get(src) : undefined;
    if (actor === undefined) {
      this.report(
        state.path,
        [...where, 'src'],
        typeof src === 'string'
          ? `unknown actor "${src}" (known: ${[...actorTable.keys()].join(', ')})`
          : 'invoke needs "src", the name of an IVR step',
      );
      return;
    }
    this.checkParams(
      state.path,
      [...where, 'input'],
      `invoke.input`,
      actor.params,
      invoke['input'] ?? {},
    );
    this.checkTemplates(state.path, [...where, 'input'], invoke['input']);
    if (actor.collectsInput === true) this.checkNoInputHandling(state, actor);
  }

  private checkNoInputHandling(state: FlowState, actor: IvrActor): void {
    const onDone = listTransitions(state).filter((t) => t.source === 'invoke.onDone');
    const handled = onDone.some(
      (t) =>
        t.guard === undefined ||
        (t.guard.type === 'resultIs' &&
          isRecord(t.guard.params) &&
          t.guard.params['status'] === 'noinput'),
    );
    if (!handled) {
      this.report(
        state.path,
        [...state.documentPath, 'invoke'],
        `${actor.name} has no no-input handling: add an onDone transition guarded by resultIs {"status": "noinput"} or an unguarded fallback`,
      );
    }
  }

  private checkParams(
    path: readonly string[],
    documentPath: DocumentPath,
    label: string,
    schema: z.ZodType,
    value: unknown,
  ): void {
    const result = schema.safeParse(value);
    if (result.success) return;
    for (const issue of result.error.issues) {
      const field = issue.path.map(String);
      const name = [label, ...field].join('.');
      // zod says "Invalid input" for a missing union-typed field; say what the author must do.
      const missing = valueAt(value, issue.path) === undefined;
      this.report(
        path,
        [...documentPath, ...field],
        `${name}: ${missing ? 'is required' : issue.message}`,
      );
    }
  }

  private checkTemplates(
    path: readonly string[],
    documentPath: DocumentPath,
    value: unknown,
  ): void {
    if (typeof value === 'string') {
      for (const reference of unknownReferences(value)) {
        this.report(
          path,
          documentPath,
          `"{{${reference}}}" names nothing; use call.callerNumber, call.dialedNumber, call.id, vars.<name> or digits`,
        );
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => this.checkTemplates(path, [...documentPath, index], item));
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value))
        this.checkTemplates(path, [...documentPath, key], item);
    }
  }

  private checkTransition(state: FlowState, transition: FlowTransition): void {
    const { raw } = transition;
    const where = transition.documentPath;
    if (isRecord(raw)) {
      for (const key of Object.keys(raw)) {
        if (codeKeys.has(key)) this.report(state.path, [...where, key], codeMessage(key));
        else if (!transitionKeys.has(key))
          this.report(
            state.path,
            [...where, key],
            `unknown key "${key}" in transition ${transition.label}`,
          );
      }
      if (raw['guard'] !== undefined) this.checkGuard(state, transition, raw['guard']);
      if (raw['target'] !== undefined && typeof raw['target'] !== 'string') {
        this.report(
          state.path,
          [...where, 'target'],
          `transition ${transition.label}: target must be one state name`,
        );
      }
    } else if (typeof raw !== 'string') {
      this.report(
        state.path,
        where,
        `transition ${transition.label} must be a state name or { "target": ... }`,
      );
    }
    if (transition.target !== undefined) {
      const resolved = resolveTarget(this.states, state.path, transition.target, this.rootId);
      if (resolved === undefined) {
        this.report(
          state.path,
          where,
          `transition ${transition.label} goes to "${transition.target}", which does not exist`,
        );
      }
    }
  }

  private checkGuard(state: FlowState, transition: FlowTransition, raw: unknown): void {
    const where = [...transition.documentPath, 'guard'];
    const ref = transition.guard;
    if (ref === undefined) {
      this.report(
        state.path,
        where,
        `transition ${transition.label}: guard must be { "type": ..., "params": {...} }`,
      );
      return;
    }
    if (isRecord(raw)) {
      for (const key of Object.keys(raw)) {
        if (key !== 'type' && key !== 'params')
          this.report(state.path, [...where, key], `unknown key "${key}" in guard`);
      }
    }
    const guard = guardTable.get(ref.type);
    if (guard === undefined) {
      this.report(
        state.path,
        [...where, 'type'],
        `unknown guard "${ref.type}" (known: ${[...guardTable.keys()].join(', ')})`,
      );
      return;
    }
    this.checkParams(
      state.path,
      [...where, 'params'],
      `${transition.label}.guard.params`,
      guard.params,
      ref.params ?? {},
    );
    if (
      guard.readings !== undefined &&
      (transition.source !== 'always' || state.node['invoke'] !== undefined)
    ) {
      this.report(
        state.path,
        where,
        `${guard.name} reads the ACD, so it may only guard "always" transitions of a state without invoke`,
      );
    }
  }
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[step];
  }
  return current;
}

function codeMessage(key: string): string {
  return `"${key}" would run code; flows may only invoke IVR steps (use a state that invokes setVariables)`;
}
