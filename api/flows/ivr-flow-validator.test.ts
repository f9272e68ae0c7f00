import { describe, expect, it } from 'vitest';
import { ivrFlowValidator, prettyPrintLimit } from './ivr-flow-validator.ts';

const validator = ivrFlowValidator({ promptExists: () => true });

/** A flow with one problem (an unknown step), padded with a description to the size wanted. */
function flowOfSize(characters: number) {
  const flow = {
    id: 'sized',
    description: '',
    initial: 'start',
    states: { start: { invoke: { src: 'noSuchStep', onDone: 'end' } }, end: { type: 'final' } },
  };
  flow.description = 'x'.repeat(Math.max(0, characters - JSON.stringify(flow).length));
  return flow;
}

describe('ivrFlowValidator', () => {
  it('names the line of a problem in the pretty-printed definition', () => {
    const problems = validator.validate(flowOfSize(2_000));
    expect(problems.some((p) => p.path.includes('start') && /\(line \d+\)$/.test(p.message))).toBe(
      true,
    );
  });

  it('judges a definition past the pretty-print limit as compact text, without line numbers', () => {
    const flow = flowOfSize(prettyPrintLimit + 1);
    expect(JSON.stringify(flow).length).toBe(prettyPrintLimit + 1);
    const problems = validator.validate(flow);
    expect(problems.some((p) => p.path.includes('start'))).toBe(true);
    expect(problems.every((p) => !/\(line \d+\)$/.test(p.message))).toBe(true);
  });
});
