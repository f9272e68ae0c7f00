/**
 * Every test file: a fault that escaped the code meant to handle it (an
 * unhandled rejection or uncaught exception the service's guard caught, a
 * SIP handler that threw) fails the test it happened in. The service keeps
 * running through such faults in production, so without this a defect would
 * pass the suite as a log line. Tests that provoke a fault on purpose take it
 * with `processFaults.take()` and assert on it.
 */
import { afterEach, expect } from 'vitest';
import { processFaults } from '../platform/process-faults.ts';

afterEach(() => {
  expect(processFaults.take(), 'faults recorded during this test').toEqual([]);
});
