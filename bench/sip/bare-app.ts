/**
 * bench:sip baseline: the bare drachtio-srf + drachtio-fsmrf application the
 * issue measured (about 60 new calls per second clean on this machine). For
 * every INVITE: a FreeSWITCH endpoint answers the caller
 * (`MediaServer#connectCaller`), plays one prompt (about 2 s), and hangs up.
 * No database, no Redis, no admission control, no flow.
 *
 * Run by bench/sip-bench.ts as a child process (IPC): it sends
 * `{ ready: true }` once drachtio and FreeSWITCH are connected, and
 * `{ stats }` when asked `{ stats: true }`. Reads DRACHTIO_HOST/PORT/SECRET,
 * FREESWITCH_HOST/PORT/SECRET, FSMRF_LISTEN_ADDRESS, FREESWITCH_PROMPTS_DIR
 * and BENCH_PROMPT (`<language>/<name>`, default en/welcome).
 */
import Srf from 'drachtio-srf';
import Mrf from 'drachtio-fsmrf';
import path from 'node:path';

/** The part of fsmrf's endpoint this app uses. */
interface Endpoint {
  play(file: string): Promise<unknown>;
  destroy(): Promise<unknown>;
}
/** The part of drachtio-srf's dialog this app uses. */
interface Dialog {
  on(event: 'destroy', listener: () => void): unknown;
  destroy(): Promise<unknown>;
}
interface MediaServer {
  connectCaller(
    req: Srf.SrfRequest,
    res: Srf.SrfResponse,
  ): Promise<{ endpoint: Endpoint; dialog: Dialog }>;
  disconnect(): void;
}

const env = process.env;
const prompt = path.join(
  env.FREESWITCH_PROMPTS_DIR ?? '/usr/share/switchboard/prompts',
  `${env.BENCH_PROMPT ?? 'en/welcome'}.wav`,
);
const stats = { invites: 0, answered: 0, completed: 0, callerHungUp: 0, failed: 0 };
const errors = new Map<string, number>();

function tell(message: unknown): void {
  if (process.send !== undefined) process.send(message);
  else console.info(JSON.stringify(message));
}

async function takeCall(server: MediaServer, req: Srf.SrfRequest, res: Srf.SrfResponse) {
  stats.invites += 1;
  let endpoint: Endpoint | undefined;
  try {
    const call = await server.connectCaller(req, res);
    endpoint = call.endpoint;
    stats.answered += 1;
    let gone = false;
    call.dialog.on('destroy', () => {
      gone = true;
      stats.callerHungUp += 1;
      void call.endpoint.destroy().catch(() => undefined);
    });
    await call.endpoint.play(prompt);
    if (!gone) {
      await call.dialog.destroy();
      await call.endpoint.destroy();
      stats.completed += 1;
    }
  } catch (error) {
    stats.failed += 1;
    const message = error instanceof Error ? error.message : String(error);
    errors.set(message, (errors.get(message) ?? 0) + 1);
    if (!res.finalResponseSent) res.send(503);
    if (endpoint !== undefined) await endpoint.destroy().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const srf = new Srf();
  srf.on('error', (error: Error) => tell({ error: `drachtio: ${error.message}` }));
  await new Promise<void>((resolve, reject) => {
    srf.once('connect', (error: Error | undefined) => (error ? reject(error) : resolve()));
    void srf.connect({
      host: env.DRACHTIO_HOST ?? '127.0.0.1',
      port: Number(env.DRACHTIO_PORT ?? 9022),
      secret: env.DRACHTIO_SECRET ?? 'cymru',
    });
  });
  const mrf = new Mrf(srf);
  const server = (await mrf.connect({
    address: env.FREESWITCH_HOST ?? '127.0.0.1',
    port: Number(env.FREESWITCH_PORT ?? 8021),
    secret: env.FREESWITCH_SECRET ?? 'ClueCon',
    ...(env.FSMRF_LISTEN_ADDRESS !== undefined ? { listenAddress: env.FSMRF_LISTEN_ADDRESS } : {}),
  })) as unknown as MediaServer;
  srf.invite((req, res) => void takeCall(server, req, res));
  // drachtio-fsmrf 4.1.2 leaves some rejections unhandled when FreeSWITCH falls
  // behind (its connectCaller timeout calls dialog.destroy() without a catch):
  // count them with the failures instead of letting them end the process.
  process.on('unhandledRejection', (error) => {
    const message = `unhandled: ${error instanceof Error ? error.message : String(error)}`;
    errors.set(message, (errors.get(message) ?? 0) + 1);
  });
  process.on('message', (message: { stats?: boolean }) => {
    if (message.stats === true) tell({ stats: { ...stats, errors: Object.fromEntries(errors) } });
  });
  process.once('SIGTERM', () => {
    server.disconnect();
    srf.disconnect();
    process.exit(0);
  });
  tell({ ready: true });
}

main().catch((error: unknown) => {
  tell({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
