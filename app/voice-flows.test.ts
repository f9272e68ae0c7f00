import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flowMachineFor } from '../ivr/build-flow-machine.ts';
import { SimulatedCallClock } from '../ivr/simulated-call-clock.ts';
import type { PublishedFlow } from '../media/sip/inbound-call-handler.ts';
import { definitionOf } from './voice-flows.ts';

const stored = Object.freeze(
  JSON.parse(readFileSync(new URL('../flows/main-menu.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >,
);

/** What the route lookup hands the handler for each INVITE: a new object, the shared definition. */
function routed(version: number, definition: Record<string, unknown> = stored): PublishedFlow {
  return { id: `flow-v${version}`, name: 'main-menu', version, definition };
}

describe('definitionOf', () => {
  it('gives every call of one published version the same definition, so they share one machine', () => {
    const clock = new SimulatedCallClock(0);
    const first = definitionOf(routed(3));
    const second = definitionOf(routed(3));
    expect(second).toBe(first);
    expect(first).toMatchObject({ id: 'main-menu', file: 'main-menu@v3', config: stored });
    expect(flowMachineFor(second, clock)).toBe(flowMachineFor(first, clock));
  });

  it('keeps versions apart: another stored definition or version gets its own', () => {
    const v3 = definitionOf(routed(3));
    const v4 = definitionOf(routed(4, Object.freeze({ ...stored, version: 4 })));
    expect(v4).not.toBe(v3);
    expect(v4.file).toBe('main-menu@v4');
    expect(definitionOf(routed(5)).file).toBe('main-menu@v5');
  });
});
