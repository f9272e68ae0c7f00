// Runs the real `switchboard` binary as a child process against a cloned test
// database and the real Redis, and stops it with a real SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, testRedisUrl } from '../test/test-redis.ts';

const bin = fileURLToPath(new URL('../bin/switchboard.js', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  env: Record<string, string>,
  onOutput?: (stdout: string) => void,
): { done: Promise<Run>; kill: (s: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [bin, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onOutput?.(stdout);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { done, kill: (s) => child.kill(s) };
}

let database: TestDatabase;
// The started server's own key prefix, removed after the run like any test's.
const redis = createTestRedis();
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.cleanup();
  await redis.cleanup();
});

describe('switchboard CLI', () => {
  it('lists every command in --help', async () => {
    const result = await run(['--help'], {}).done;
    expect(result.code).toBe(0);
    for (const command of [
      'switchboard start',
      'switchboard db migrate',
      'switchboard db status',
      'switchboard flows validate',
      'switchboard flows simulate',
      'switchboard config',
    ]) {
      expect(result.stdout).toContain(command);
    }
  });

  it('refuses a bad setting with exit code 2, naming the variable', async () => {
    const result = await run(['start'], { HTTP_PORT: 'eighty' }).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HTTP_PORT="eighty": must be a number');
  });

  it('reports an already migrated database as up to date', async () => {
    const result = await run(['db', 'migrate'], { DATABASE_URL: database.url }).done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('database is up to date');
  });

  it('starts, serves /readyz, and exits 0 on SIGTERM', async () => {
    let announced: (url: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => (announced = resolve));
    const child = run(
      ['start'],
      {
        DATABASE_URL: database.url,
        REDIS_URL: testRedisUrl,
        REDIS_KEY_PREFIX: redis.keyPrefix,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
      },
      (stdout) => {
        const match = /Switchboard is up: (http:\/\/\S+)/.exec(stdout);
        if (match?.[1]) announced(match[1]);
      },
    );
    let base: string;
    try {
      base = await Promise.race([
        url,
        child.done.then((r) => Promise.reject(new Error(`exited early: ${r.stderr}`))),
      ]);
      // Ready once its Redis and Postgres connections are up (bounded poll).
      let ready = await fetch(`${base}/readyz`);
      for (let attempt = 0; attempt < 100 && ready.status !== 200; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await fetch(`${base}/readyz`);
      }
      expect(ready.status).toBe(200);
    } catch (error) {
      // Never leave a server behind when the test fails.
      child.kill('SIGKILL');
      throw error;
    }
    child.kill('SIGTERM');
    const result = await child.done;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
