/**
 * Switchboard as bench:sip runs it: the real `switchboard` command in child
 * processes, on a throwaway Postgres database (`sbbench_sip_<random>`,
 * migrated by `db migrate`, dropped at the end) and Redis key prefix
 * (`sbbench:sip:<random>:`, deleted at the end), with one published flow on
 * one number: answer, play a ~2 s prompt, hang up. Logs go to a file, read
 * back for the report.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { adminQuery, databaseUrl } from '../../test/postgres-admin.ts';

const run = promisify(execFile);
const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repository, 'bin', 'switchboard.js');

/** The flow: answer, then `hangup` with the goodbye prompt (`prompt`, ~2 s). */
function benchFlow(prompt: string) {
  return {
    id: 'bench-sip',
    description: 'bench:sip: answer, play one ~2 s prompt, hang up.',
    version: 1,
    initial: 'answer',
    context: { language: 'en' },
    states: {
      answer: { invoke: { src: 'answer', onDone: 'goodbye' } },
      goodbye: { invoke: { src: 'hangup', input: { prompt } } },
    },
  };
}

export interface LogSummary {
  readonly lines: number;
  /** Lines at warn (40) and above, by level name and message, most frequent first. */
  readonly problems: readonly { level: string; msg: string; count: number }[];
  /** "call refused" lines (any level) by SIP status and reason, most frequent first. */
  readonly refusals: readonly { status: string; reason: string; count: number }[];
}

export interface SwitchboardUnderTest {
  readonly url: string;
  /** The `switchboard start` process. */
  readonly pid: number | undefined;
  readonly logFile: string;
  readonly database: string;
  readonly keyPrefix: string;
  /** Whether the process is still running (it may crash under load). */
  running(): boolean;
  exitCode(): number | null;
  /** SIGTERM, wait for the drain (then SIGKILL after `graceMs`); resolves with the exit code. */
  stop(graceMs: number): Promise<number | null>;
  /** Warnings, errors and refusals in the log, optionally only those logged in [fromMs, toMs]. */
  summarizeLog(fromMs?: number, toMs?: number): Promise<LogSummary>;
  /** Drops the database, deletes the Redis keys and the temporary directory. */
  cleanUp(): Promise<void>;
}

const levelNames: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };

export async function startSwitchboard(options: {
  readonly env: NodeJS.ProcessEnv;
  readonly number: string;
  readonly prompt: string;
  readonly redisUrl: string;
  readonly readyTimeoutMs: number;
}): Promise<SwitchboardUnderTest> {
  const suffix = randomBytes(4).toString('hex');
  const database = `sbbench_sip_${suffix}`;
  const keyPrefix = `sbbench:sip:${suffix}:`;
  const dir = await mkdtemp(path.join(tmpdir(), 'sbbench-sip-'));
  // Kept after the run (outside `dir`), for reading what went wrong.
  const logFile = path.join(tmpdir(), `sbbench-sip-${suffix}.log`);
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    // sipp sends every call from loopback: a carrier, as far as the flood guard goes.
    SIP_TRUSTED_SOURCES: options.env.SIP_TRUSTED_SOURCES ?? '127.0.0.0/8',
  };
  let child: ChildProcess | undefined;
  let exitCode: number | null = null;
  let exited = false;

  const cleanUp = async () => {
    if (child !== undefined && !exited) child.kill('SIGKILL');
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
    } catch {
      // Redis gone: nothing more to delete.
    } finally {
      redis.disconnect();
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    // `db migrate` creates the database when it is missing.
    await run(process.execPath, [cli, 'db', 'migrate'], { env, cwd: repository });
    const flowFile = path.join(dir, 'bench-sip.json');
    await writeFile(flowFile, JSON.stringify(benchFlow(options.prompt), null, 2));
    await symlink(path.join(repository, 'flows', 'prompts'), path.join(dir, 'prompts'));
    await run(process.execPath, [cli, 'flows', 'publish', flowFile, '--number', options.number], {
      env,
      cwd: repository,
    });

    const log = await open(logFile, 'a');
    // PROFILE_DIR: a V8 CPU profile of the Switchboard process, written when it exits.
    const profile = options.env.PROFILE_DIR;
    const profiling = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
    child = spawn(process.execPath, [...profiling, cli, 'start'], {
      env,
      cwd: repository,
      stdio: ['ignore', log.fd, log.fd],
    });
    await log.close();
    child.on('exit', (code) => {
      exited = true;
      exitCode = code;
    });

    const deadline = Date.now() + options.readyTimeoutMs;
    let url: string | undefined;
    let ready = false;
    let why = 'no "Switchboard is up" line yet';
    while (Date.now() < deadline && !exited) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      url ??= /Switchboard is up: (http:\/\/[^\s]+)/.exec(await readFile(logFile, 'utf8'))?.[1];
      if (url === undefined) continue;
      const readiness = await fetch(`${url}/readyz`)
        .then((response) => response.json() as Promise<{ components?: unknown }>)
        .catch((error: unknown) => ({ components: [], error }));
      const components = (readiness.components ?? []) as { name: string; ok: boolean }[];
      const down = ['postgres', 'redis', 'drachtio', 'freeswitch'].filter(
        (name) => components.find((c) => c.name === name)?.ok !== true,
      );
      ready = down.length === 0;
      if (ready) break;
      why = `not ready: ${down.join(', ')} (${JSON.stringify(components)})`;
    }
    if (exited) throw new Error(`switchboard start exited with ${exitCode}; log: ${logFile}`);
    if (!ready || url === undefined) {
      throw new Error(`switchboard did not get ready in time: ${why}`);
    }
    const startedUrl = url;
    const started = child;

    return {
      url: startedUrl,
      pid: started.pid,
      logFile,
      database,
      keyPrefix,
      running: () => !exited,
      exitCode: () => exitCode,
      async stop(graceMs) {
        if (exited) return exitCode;
        started.kill('SIGTERM');
        const timer = setTimeout(() => started.kill('SIGKILL'), graceMs);
        if (!exited) await once(started, 'exit');
        clearTimeout(timer);
        return exitCode;
      },
      async summarizeLog(fromMs = 0, toMs = Number.POSITIVE_INFINITY) {
        const text = await readFile(logFile, 'utf8').catch(() => '');
        const counts = new Map<string, { level: string; msg: string; count: number }>();
        const refused = new Map<string, { status: string; reason: string; count: number }>();
        let lines = 0;
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          lines += 1;
          let entry: {
            level?: number;
            msg?: string;
            err?: { message?: string } | string;
            status?: number;
            reason?: string;
            time?: number;
          };
          try {
            entry = JSON.parse(line) as typeof entry;
          } catch {
            continue;
          }
          if ((entry.time ?? 0) < fromMs || (entry.time ?? 0) > toMs) continue;
          if (entry.msg === 'call refused') {
            const key = `${entry.status} ${entry.reason}`;
            const seen = refused.get(key) ?? {
              status: String(entry.status),
              reason: String(entry.reason),
              count: 0,
            };
            seen.count += 1;
            refused.set(key, seen);
          }
          if ((entry.level ?? 0) < 40) continue;
          const level = levelNames[entry.level ?? 0] ?? String(entry.level);
          const detail = typeof entry.err === 'string' ? entry.err : entry.err?.message;
          const msg = `${entry.msg ?? ''}${detail === undefined ? '' : `: ${detail}`}`.slice(
            0,
            160,
          );
          const key = `${level} ${msg}`;
          const seen = counts.get(key) ?? { level, msg, count: 0 };
          seen.count += 1;
          counts.set(key, seen);
        }
        return {
          lines,
          problems: [...counts.values()].sort((a, b) => b.count - a.count),
          refusals: [...refused.values()].sort((a, b) => b.count - a.count),
        };
      },
      cleanUp,
    };
  } catch (error) {
    const tail = await readFile(logFile, 'utf8').catch(() => '');
    await cleanUp();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${message}${tail === '' ? '' : `\n--- switchboard log (tail) ---\n${tail.slice(-3_000)}`}`,
    );
  }
}
