import type { Redis } from 'ioredis';
import type { Logger } from '../platform/logger.ts';

/**
 * Reads the Redis settings that decide whether routing state survives (the
 * eviction policy and persistence) and logs one warning naming each unsafe
 * one; docker/redis/redis.conf holds the safe set. Returns the problems
 * found. A Redis that refuses CONFIG (managed services rename or disable
 * it) is not an error: the check is skipped with a debug line, since the
 * provider's own settings then decide and nothing here can read them.
 *
 * @example
 * await checkRedisDurability(redis, logger); // at start-up, once
 */
export async function checkRedisDurability(redis: Redis, logger: Logger): Promise<string[]> {
  let settings: Map<string, string>;
  try {
    settings = await readConfig(redis, ['maxmemory-policy', 'appendonly', 'appendfsync', 'save']);
  } catch (error) {
    logger.debug(
      { err: error instanceof Error ? error.message : String(error) },
      'redis durability not checked: CONFIG GET refused (managed Redis?)',
    );
    return [];
  }
  const problems = durabilityProblems(settings);
  if (problems.length > 0) {
    logger.warn(
      { problems },
      `redis settings can lose queued callers: ${problems.join('; ')} (see docker/redis/redis.conf)`,
    );
  }
  return problems;
}

/** The unsafe settings among `settings` (CONFIG GET names to values), worded for an operator. */
export function durabilityProblems(settings: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const policy = settings.get('maxmemory-policy');
  if (policy !== undefined && policy !== 'noeviction') {
    problems.push(
      `maxmemory-policy is ${policy}: under memory pressure Redis evicts keys, losing queued callers and offers; set noeviction`,
    );
  }
  const save = settings.get('save') ?? '';
  if (settings.get('appendonly') !== 'yes') {
    problems.push(
      save.trim() === ''
        ? 'no persistence (appendonly no, no save points): a Redis restart loses every queued caller and agent state; set appendonly yes'
        : `appendonly is no (snapshots only, save "${save}"): a Redis restart loses everything since the last snapshot; set appendonly yes`,
    );
  } else if (settings.get('appendfsync') === 'no') {
    problems.push(
      'appendfsync is no: a machine crash loses whatever the kernel had not yet written (often 30 s); set everysec',
    );
  }
  return problems;
}

async function readConfig(redis: Redis, names: readonly string[]): Promise<Map<string, string>> {
  const flat = (await redis.call('CONFIG', 'GET', ...names)) as string[];
  const settings = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) settings.set(String(flat[i]), String(flat[i + 1]));
  return settings;
}
