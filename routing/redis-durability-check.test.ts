/**
 * The start-up check of Redis durability settings: table-driven over the
 * settings, then on real servers: a redis-server of the test's own with the
 * production file (test/private-redis-server.ts) and the same with eviction
 * and no persistence, and one whose CONFIG command is renamed away, as
 * managed Redis services do.
 */
import { Redis } from 'ioredis';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.ts';
import { PrivateRedisServer } from '../test/private-redis-server.ts';
import { checkRedisDurability, durabilityProblems } from './redis-durability-check.ts';

describe('durabilityProblems', () => {
  const safe = {
    'maxmemory-policy': 'noeviction',
    appendonly: 'yes',
    appendfsync: 'everysec',
    save: '',
  };
  it.each([
    ['production settings', {}, []],
    ['allkeys-lru', { 'maxmemory-policy': 'allkeys-lru' }, ['maxmemory-policy is allkeys-lru']],
    ['no persistence', { appendonly: 'no' }, ['no persistence']],
    ['snapshots only', { appendonly: 'no', save: '3600 1' }, ['appendonly is no (snapshots only']],
    ['appendfsync no', { appendfsync: 'no' }, ['appendfsync is no']],
  ])('%s', (_, changed, expected) => {
    const problems = durabilityProblems(new Map(Object.entries({ ...safe, ...changed })));
    expect(problems).toHaveLength(expected.length);
    for (const [i, start] of expected.entries()) expect(problems[i]).toContain(start);
  });
});

const servers: PrivateRedisServer[] = [];
const clients: Redis[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const server of servers.splice(0)) await server.remove();
});

async function checkOn(overrides: readonly string[]) {
  const server = await PrivateRedisServer.start(overrides);
  servers.push(server);
  const redis = new Redis(server.url);
  clients.push(redis);
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    }),
  );
  const problems = await checkRedisDurability(redis, logger);
  return { problems, lines };
}

describe('checkRedisDurability on a real Redis', () => {
  it('is quiet with docker/redis/redis.conf', async () => {
    expect(await checkOn([])).toEqual({ problems: [], lines: [] });
  });

  it('logs one warning naming eviction and missing persistence', async () => {
    const { problems, lines } = await checkOn([
      '--maxmemory-policy',
      'allkeys-lru',
      '--appendonly',
      'no',
      '--save',
      '',
    ]);
    expect(problems).toHaveLength(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe(40);
    expect(lines[0]?.msg).toMatch(/maxmemory-policy is allkeys-lru.*no persistence/);
  });

  it('logs a debug line only when CONFIG is disabled', async () => {
    const { problems, lines } = await checkOn(['--rename-command', 'CONFIG', '']);
    expect(problems).toEqual([]);
    expect(lines.map((line) => line.level)).toEqual([20]);
    expect(lines[0]?.msg).toContain('CONFIG GET refused');
  });
});
