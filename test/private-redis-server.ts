/**
 * A redis-server of the test's own (the `redis-server` binary on PATH), on a
 * free port and a temporary directory, that a test may SIGKILL and start
 * again on the same port and data: the shared Redis other tests use is never
 * touched. Starts with docker/redis/redis.conf, the production settings, so
 * what a kill loses is what production would lose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

export const productionRedisConf = fileURLToPath(
  new URL('../docker/redis/redis.conf', import.meta.url),
);

export class PrivateRedisServer {
  private process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly overrides: readonly string[],
  ) {}

  /** Starts a server; `overrides` are extra `--name value` arguments after the production file. */
  static async start(overrides: readonly string[] = []): Promise<PrivateRedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'sb-redis-'));
    const server = new PrivateRedisServer(await freePort(), dir, overrides);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** SIGKILL: no shutdown, no final fsync or snapshot. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts the server again on the same port and directory; resolves once it answers. */
  async restart(): Promise<void> {
    await this.launch();
  }

  /** Kills the server and removes its directory. */
  async remove(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        productionRedisConf,
        '--port',
        String(this.port),
        '--dir',
        this.dir,
        '--daemonize',
        'no',
        ...this.overrides,
      ],
      { stdio: 'ignore' },
    );
    this.process = child;
    await waitForPong(this.url, child);
  }
}

/** A port nothing listens on right now (the kernel's pick, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** PONG, not LOADING: the server has read its append-only file back. */
async function waitForPong(url: string, child: ChildProcess): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // Not listening yet, or still loading its data.
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on ${url} did not answer within 10 s`);
}
