import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { FaultLog, guardProcess } from './process-faults.ts';

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info' }, destination), lines };
}

describe('guardProcess', () => {
  it('logs and counts an unhandled rejection instead of letting it end the process', async () => {
    const faults = new FaultLog();
    const { logger, lines } = capturedLogger();
    const unguard = guardProcess(logger, faults);
    try {
      void Promise.reject(new Error('nobody caught me'));
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      unguard();
    }
    expect(faults.count).toBe(1);
    expect(faults.take()).toEqual([{ source: 'unhandledRejection', message: 'nobody caught me' }]);
    expect(
      lines.some((line) => line.msg === 'fault: unhandledRejection' && line.level === 50),
    ).toBe(true);
  });

  it('logs and counts an uncaught exception from a callback', async () => {
    const faults = new FaultLog();
    const { logger } = capturedLogger();
    const unguard = guardProcess(logger, faults);
    try {
      setTimeout(() => {
        throw new Error('thrown in a timer');
      }, 0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      unguard();
    }
    expect(faults.take()).toEqual([{ source: 'uncaughtException', message: 'thrown in a timer' }]);
  });

  it('keeps at most 100 faults for inspection but counts them all', () => {
    const faults = new FaultLog();
    const { logger } = capturedLogger();
    for (let i = 0; i < 150; i += 1) faults.record('sipHandler', new Error(`e${i}`), logger);
    expect(faults.count).toBe(150);
    expect(faults.take()).toHaveLength(100);
  });
});
