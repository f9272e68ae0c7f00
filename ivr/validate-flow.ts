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
import { languages, type Language } from './prompt-param.ts';
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
    this.checkGraph();
    this.checkPrompts(root);
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

  private checkGraph(): void {
    const byPath = new Map(this.states.map((state) => [key(state.path), state]));
    const transitionsOf = new Map(
      this.states.map((state) => [key(state.path), listTransitions(state)]),
    );
    const ancestors = (path: readonly string[]) =>
      Array.from({ length: path.length + 1 }, (_, n) => path.slice(0, n));
    const resolve = (from: readonly string[], target: string) =>
      resolveTarget(this.states, from, target, this.rootId);
    /** The atomic state entered when entering `path`: follow `initial` down. */
    const enter = (path: readonly string[]): readonly string[] => {
      let current = path;
      for (;;) {
        const state = byPath.get(key(current));
        const initial = state?.node['initial'];
        if (
          state === undefined ||
          state.children.length === 0 ||
          typeof initial !== 'string' ||
          !state.children.includes(initial)
        ) {
          return current;
        }
        current = [...current, initial];
      }
    };
    const isAtomic = (state: FlowState) => state.children.length === 0;
    const invokedActor = (state: FlowState) => {
      const invoke = state.node['invoke'];
      return isRecord(invoke) && typeof invoke['src'] === 'string'
        ? actorTable.get(invoke['src'])
        : undefined;
    };
    /** Transitions that can fire while in atomic state `path`: its own and its ancestors'. */
    const available = (path: readonly string[]) =>
      ancestors(path).flatMap((p) =>
        (transitionsOf.get(key(p)) ?? []).map((t) => ({ from: p, t })),
      );
    const targetsFrom = (path: readonly string[]) =>
      available(path)
        .map(({ from, t }) => (t.target === undefined ? undefined : resolve(from, t.target)))
        .filter((target): target is string[] => target !== undefined)
        .map(enter);

    // Reachability from the start.
    const reachable = new Set<string>();
    const queue: (readonly string[])[] = [enter([])];
    while (queue.length > 0) {
      const path = queue.shift() as readonly string[];
      if (reachable.has(key(path))) continue;
      for (const ancestor of ancestors(path)) reachable.add(key(ancestor));
      const state = byPath.get(key(path));
      // A final child finishes its parent, whose onDone then applies.
      if (state?.node['type'] === 'final' && path.length > 1) {
        queue.push(...targetsFrom(path.slice(0, -1)));
      }
      if (state?.node['type'] !== 'final') queue.push(...targetsFrom(path));
    }
    for (const state of this.states) {
      if (state.path.length > 0 && !reachable.has(key(state.path))) {
        this.report(state.path, state.documentPath, 'unreachable: no transition leads here');
      }
    }

    // Which atomic states can still end the call.
    const atomics = this.states.filter(isAtomic);
    const ends = (state: FlowState) =>
      (state.node['type'] === 'final' && state.path.length === 1) ||
      invokedActor(state)?.endsCall === true;
    const stuck = new Set<string>();
    for (const state of atomics) {
      const actor = invokedActor(state);
      if (state.node['type'] === 'final' || ends(state)) continue;
      if (
        available(state.path).every(
          ({ t }) => t.target === undefined && t.source !== 'invoke.onDone',
        )
      ) {
        stuck.add(key(state.path));
        if (reachable.has(key(state.path))) {
          this.report(
            state.path,
            state.documentPath,
            'no way out: no transition leaves this state and it does not end the call',
          );
        }
      } else if (
        actor !== undefined &&
        !available(state.path).some(({ t }) => t.source !== 'invoke.onError')
      ) {
        this.report(
          state.path,
          state.documentPath,
          `no way out once ${actor.name} finishes: add invoke.onDone`,
        );
      }
    }
    const canEnd = new Set(atomics.filter(ends).map((state) => key(state.path)));
    for (let changed = true; changed;) {
      changed = false;
      for (const state of atomics) {
        const k = key(state.path);
        if (canEnd.has(k)) continue;
        const next =
          state.node['type'] === 'final'
            ? targetsFrom(state.path.slice(0, -1))
            : targetsFrom(state.path);
        if (next.some((target) => canEnd.has(key(target)))) {
          canEnd.add(k);
          changed = true;
        }
      }
    }
    if (!canEnd.has(key(enter([])))) {
      this.report(
        [],
        [],
        'no path ends the call: add a hangup step or a top-level final state the flow can reach',
      );
    } else {
      for (const state of atomics) {
        const k = key(state.path);
        if (reachable.has(k) && !canEnd.has(k) && !stuck.has(k)) {
          this.report(
            state.path,
            state.documentPath,
            'no path from here ends the call: the caller would loop forever',
          );
        }
      }
    }

    // Loops made only of `always` transitions never wait for anything.
    const alwaysNext = (path: readonly string[]) =>
      (transitionsOf.get(key(path)) ?? [])
        .filter((t) => t.source === 'always' && t.target !== undefined)
        .map((t) => resolve(path, t.target as string))
        .filter((target): target is string[] => target !== undefined)
        .map(enter);
    const reported = new Set<string>();
    for (const start of atomics) {
      const seen = new Map<string, readonly string[]>();
      const walk = (path: readonly string[], trail: string[]): void => {
        for (const next of alwaysNext(path)) {
          if (key(next) === key(start.path)) {
            const cycle = [...trail, statePathText(next)];
            const id = [...new Set(cycle)].sort().join(',');
            if (!reported.has(id)) {
              reported.add(id);
              this.report(
                start.path,
                start.documentPath,
                `"always" transitions loop without waiting: ${cycle.join(' -> ')}`,
              );
            }
          } else if (!seen.has(key(next))) {
            seen.set(key(next), next);
            walk(next, [...trail, statePathText(next)]);
          }
        }
      };
      walk(start.path, [statePathText(start.path)]);
    }
  }

  private checkPrompts(root: Record<string, unknown>): void {
    const spoken = this.languagesSpoken(root);
    for (const state of this.states) {
      const invoke = state.node['invoke'];
      if (!isRecord(invoke) || typeof invoke['src'] !== 'string') continue;
      const actor = actorTable.get(invoke['src']);
      const parsed = actor?.params.safeParse(invoke['input'] ?? {});
      if (actor?.promptFiles === undefined || parsed === undefined || !parsed.success) continue;
      const missing = new Set<string>();
      for (const language of spoken) {
        for (const ref of actor.promptFiles(parsed.data, language)) {
          const lang = ref.language ?? language;
          if (!this.options.promptExists(ref.name, lang))
            missing.add(`prompts/${lang}/${ref.name}.wav`);
        }
      }
      for (const file of missing) {
        this.report(
          state.path,
          [...state.documentPath, 'invoke', 'input'],
          `prompt audio ${file} is missing`,
        );
      }
    }
  }

  /** Languages the flow can be speaking: its starting language and any it switches to. */
  private languagesSpoken(root: Record<string, unknown>): Language[] {
    const context = isRecord(root['context']) ? root['context'] : {};
    const chosen = new Set<Language>([asLanguage(context['language']) ?? 'en']);
    for (const state of this.states) {
      const invoke = state.node['invoke'];
      if (!isRecord(invoke) || invoke['src'] !== 'setVariables' || !isRecord(invoke['input']))
        continue;
      const values = invoke['input']['values'];
      const language = isRecord(values) ? asLanguage(values['language']) : undefined;
      if (language !== undefined) chosen.add(language);
    }
    return [...chosen];
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

function asLanguage(value: unknown): Language | undefined {
  return languages.find((language) => language === value);
}

function key(path: readonly string[]): string {
  return path.join('\u0000');
}

function codeMessage(key: string): string {
  return `"${key}" would run code; flows may only invoke IVR steps (use a state that invokes setVariables)`;
}
