import type { DocumentPath } from './flow-source.ts';

/** A state node of a flow file as plain data (before XState sees it). */
export type StateConfig = Readonly<Record<string, unknown>>;

/** One state of a flow, with where it sits in the machine and in the document. */
export interface FlowState {
  /** Keys from the root, e.g. `['support', 'lookup']`; empty for the root. */
  readonly path: readonly string[];
  readonly node: StateConfig;
  readonly documentPath: DocumentPath;
  /** Child state keys, in document order. */
  readonly children: readonly string[];
}

/** A guard reference as a flow file spells it. */
export interface GuardRef {
  readonly type: string;
  readonly params: unknown;
}

/** One transition of a state: where it is declared and where it goes. */
export interface FlowTransition {
  /** Readable origin, e.g. `invoke.onDone[1]`, `on["call.dtmf"]`, `always[0]`, `after[5000]`. */
  readonly label: string;
  /** `onDone` / `onError` of the state's invoke, `on`, `always`, `after` or `onDone` (child final). */
  readonly source: 'invoke.onDone' | 'invoke.onError' | 'on' | 'always' | 'after' | 'onDone';
  readonly event?: string;
  readonly documentPath: DocumentPath;
  readonly target?: string;
  readonly guard?: GuardRef;
  /** The raw transition object (or string) as written. */
  readonly raw: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every state of the machine, root first, depth first in document order. */
export function listStates(root: StateConfig): FlowState[] {
  const states: FlowState[] = [];
  const visit = (node: StateConfig, path: string[], documentPath: DocumentPath) => {
    const children = isRecord(node['states']) ? Object.keys(node['states']) : [];
    states.push({ path, node, documentPath, children });
    for (const key of children) {
      const child = (node['states'] as Record<string, unknown>)[key];
      if (isRecord(child)) visit(child, [...path, key], [...documentPath, 'states', key]);
    }
  };
  visit(root, [], []);
  return states;
}

export function statePathText(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/** Transitions a state declares, normalised from every shorthand XState accepts. */
export function listTransitions(state: FlowState): FlowTransition[] {
  const transitions: FlowTransition[] = [];
  const add = (
    source: FlowTransition['source'],
    label: string,
    config: unknown,
    documentPath: DocumentPath,
    event?: string,
  ) => {
    const list = Array.isArray(config) ? config : [config];
    list.forEach((raw, index) => {
      const entryLabel = Array.isArray(config) ? `${label}[${index}]` : label;
      const entryPath = Array.isArray(config) ? [...documentPath, index] : documentPath;
      if (typeof raw === 'string') {
        transitions.push({
          label: entryLabel,
          source,
          event,
          documentPath: entryPath,
          target: raw,
          raw,
        });
      } else if (isRecord(raw)) {
        const target = typeof raw['target'] === 'string' ? raw['target'] : undefined;
        transitions.push({
          label: entryLabel,
          source,
          event,
          documentPath: entryPath,
          target,
          guard: toGuardRef(raw['guard']),
          raw,
        });
      } else if (raw !== undefined) {
        transitions.push({ label: entryLabel, source, event, documentPath: entryPath, raw });
      }
    });
  };
  const { node, documentPath } = state;
  const invoke = node['invoke'];
  if (isRecord(invoke)) {
    if (invoke['onDone'] !== undefined) {
      add('invoke.onDone', 'invoke.onDone', invoke['onDone'], [
        ...documentPath,
        'invoke',
        'onDone',
      ]);
    }
    if (invoke['onError'] !== undefined) {
      add('invoke.onError', 'invoke.onError', invoke['onError'], [
        ...documentPath,
        'invoke',
        'onError',
      ]);
    }
  }
  if (isRecord(node['on'])) {
    for (const [event, config] of Object.entries(node['on'])) {
      add('on', `on[${JSON.stringify(event)}]`, config, [...documentPath, 'on', event], event);
    }
  }
  if (node['always'] !== undefined)
    add('always', 'always', node['always'], [...documentPath, 'always']);
  if (isRecord(node['after'])) {
    for (const [delay, config] of Object.entries(node['after'])) {
      add('after', `after[${delay}]`, config, [...documentPath, 'after', delay]);
    }
  }
  if (node['onDone'] !== undefined)
    add('onDone', 'onDone', node['onDone'], [...documentPath, 'onDone']);
  return transitions;
}

function toGuardRef(guard: unknown): GuardRef | undefined {
  if (typeof guard === 'string') return { type: guard, params: undefined };
  if (isRecord(guard) && typeof guard['type'] === 'string') {
    return { type: guard['type'], params: guard['params'] };
  }
  return undefined;
}

/**
 * Resolves a transition target the way XState does: `#id` (optionally
 * `#id.child`), `.child` relative to the state itself, otherwise a sibling
 * path relative to the state's parent. Returns the target's key path, or
 * undefined when no such state exists.
 */
export function resolveTarget(
  states: readonly FlowState[],
  from: readonly string[],
  target: string,
  rootId: string | undefined,
): string[] | undefined {
  const byPath = new Map(states.map((state) => [state.path.join('\u0000'), state]));
  const descend = (base: readonly string[], keys: readonly string[]): string[] | undefined => {
    const path = [...base, ...keys];
    return byPath.has(path.join('\u0000')) ? path : undefined;
  };
  if (target.startsWith('#')) {
    const [id = '', ...rest] = target.slice(1).split('.');
    const owner = id === rootId ? states[0] : states.find((state) => state.node['id'] === id);
    return owner === undefined ? undefined : descend(owner.path, rest);
  }
  if (target.startsWith('.')) return descend(from, target.slice(1).split('.'));
  if (from.length === 0) return undefined;
  return descend(from.slice(0, -1), target.split('.'));
}
