import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { watchEventLoop } from './event-loop-watch.ts';
import { createLogger } from './logger.ts';

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info' }, sink), lines };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds the event loop for `ms`, as a long synchronous task would. */
function block(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

describe('watchEventLoop', () => {
  it('logs a stall past the threshold with its length, and nothing for a period without one', async () => {
    const { logger, lines } = capturedLogger();
    const stop = watchEventLoop(logger, { thresholdMs: 500, periodMs: 400 });
    try {
      await wait(900);
      expect(lines.filter((line) => line['msg'] === 'event loop blocked')).toEqual([]);
      await wait(50);
      block(800);
      await wait(900);
      const blocked = lines.filter((line) => line['msg'] === 'event loop blocked');
      expect(blocked).toHaveLength(1);
      expect(blocked[0]?.['level']).toBe(40);
      expect(blocked[0]?.['maxMs']).toBeGreaterThanOrEqual(700);
    } finally {
      stop();
    }
  });
});
