import { actorTable } from './actors/actor-table.ts';
import type { DocumentPath } from './flow-source.ts';
import {
  isRecord,
  listTransitions,
  resolveTarget,
  statePathText,
  type FlowState,
} from './flow-states.ts';

/** Where a graph check reports a problem: the state path, where in the file, and what. */
export type FlowReporter = (
  path: readonly string[],
  documentPath: DocumentPath,
  message: string,
) => void;

/**
 * The checks that need the whole state graph rather than one state: states no
 * transition reaches, states with no way out, flows where no path ends the call
 * (a caller would loop forever), and loops of `always` transitions that never
 * wait for the caller.
 */
export function checkFlowGraph(
  states: readonly FlowState[],
  rootId: string | undefined,
  report: FlowReporter,
): void {
  const byPath = new Map(states.map((state) => [key(state.path), state]));
  const transitionsOf = new Map(states.map((state) => [key(state.path), listTransitions(state)]));
  const ancestors = (path: readonly string[]) =>
    Array.from({ length: path.length + 1 }, (_, n) => path.slice(0, n));
  const resolve = (from: readonly string[], target: string) =>
    resolveTarget(states, from, target, rootId);
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
    ancestors(path).flatMap((p) => (transitionsOf.get(key(p)) ?? []).map((t) => ({ from: p, t })));
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
  for (const state of states) {
    if (state.path.length > 0 && !reachable.has(key(state.path))) {
      report(state.path, state.documentPath, 'unreachable: no transition leads here');
    }
  }

  // Which atomic states can still end the call.
  const atomics = states.filter(isAtomic);
  const ends = (state: FlowState) =>
    (state.node['type'] === 'final' && state.path.length === 1) ||
    invokedActor(state)?.endsCall === true;
  const stuck = new Set<string>();
  for (const state of atomics) {
    const actor = invokedActor(state);
    if (state.node['type'] === 'final' || ends(state)) continue;
    if (
      available(state.path).every(({ t }) => t.target === undefined && t.source !== 'invoke.onDone')
    ) {
      stuck.add(key(state.path));
      if (reachable.has(key(state.path))) {
        report(
          state.path,
          state.documentPath,
          'no way out: no transition leaves this state and it does not end the call',
        );
      }
    } else if (
      actor !== undefined &&
      !available(state.path).some(({ t }) => t.source !== 'invoke.onError')
    ) {
      report(
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
    report(
      [],
      [],
      'no path ends the call: add a hangup step or a top-level final state the flow can reach',
    );
  } else {
    for (const state of atomics) {
      const k = key(state.path);
      if (reachable.has(k) && !canEnd.has(k) && !stuck.has(k)) {
        report(
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
            report(
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

function key(path: readonly string[]): string {
  return path.join('\u0000');
}
