/**
 * SIP benchmark (issue 6): sipp at rising call rates against a bare
 * drachtio-srf + drachtio-fsmrf app and against Switchboard's IVR, on the same
 * real drachtio-server and FreeSWITCH, one after the other (Switchboard
 * first: the bare app's sweep ends in FreeSWITCH's collapse, which slows
 * FreeSWITCH for what follows).
 *
 *   npm run bench:sip -- [--start 10] [--step 10] [--max 150] [--step-seconds 20] [--overload-seconds 60]
 *
 * Every call: INVITE with PCMU/PCMA, answered by a FreeSWITCH endpoint, a
 * ~2 s prompt (en/welcome), hung up by the far end (bench/sip/uac-prompt-then-bye.xml).
 *   - bare: bench/sip/bare-app.ts (connectCaller, play, destroy), in a child process;
 *   - Switchboard: `switchboard start` in a child process on a throwaway
 *     database and Redis prefix, a published flow (answer; hangup with the
 *     prompt) on one number (bench/sip/switchboard-under-test.ts).
 * For each, steps of --step-seconds at --start, --start+--step, ... until a
 * step has 0.1% or more failed calls (a 503 counts as failed here), then one
 * step halfway back. Reported: the highest clean rate, call-set-up time
 * (INVITE to 200, sipp's rtd) p50/p99 at it, and Switchboard's rate as a share
 * of the bare app's (target >= 80%). Then Switchboard is offered twice its
 * clean rate for --overload-seconds: share of admitted calls that succeeded
 * (target >= 99.9%), 503s, and FreeSWITCH sessions left afterwards (target 0).
 *
 * Needs DRACHTIO_HOST/PORT/SECRET and FREESWITCH_HOST/PORT/SECRET naming
 * running servers, `sipp` (Debian sip-tester), Postgres (DATABASE_URL's
 * server) and Redis (REDIS_URL); without them it says why and exits 2.
 * No other application may be connected to drachtio-server meanwhile.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { createSocket } from 'node:dgram';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { channelCount, eslApi, type EslAddress } from './sip/esl.ts';
import { percentile, runSippStep, type SippStepResult } from './sip/sipp-step.ts';
import { startSwitchboard, type SwitchboardUnderTest } from './sip/switchboard-under-test.ts';
import { adminQuery } from '../test/postgres-admin.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;

// ---------------------------------------------------------------- settings

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
  return value;
}

const settings = {
  start: flag('start', 10),
  step: flag('step', 10),
  max: flag('max', 150),
  stepSeconds: flag('step-seconds', 20),
  overloadSeconds: flag('overload-seconds', 60),
  /** Failure share at or above which a step is not clean (0.1%). */
  cleanBelow: 0.001,
  /** Before each step, wait up to coolDownMs for FreeSWITCH's idle CPU to reach this %. */
  idleCpuBeforeStep: flag('idle-cpu', 50),
  coolDownMs: 90_000,
  /** Before each sweep, wait up to settleMs for the 1-minute load average to fall to this. */
  maxLoadBeforeSweep: flag('max-load', availableParallelism()),
  settleMs: 180_000,
  prompt: 'welcome',
  bareNumber: '+15550008001',
  switchboardNumber: '+15550008002',
  drachtio: {
    host: env.DRACHTIO_HOST ?? '',
    port: Number(env.DRACHTIO_PORT ?? 9022),
    secret: env.DRACHTIO_SECRET ?? 'cymru',
  },
  freeswitch: {
    host: env.FREESWITCH_HOST ?? '',
    port: Number(env.FREESWITCH_PORT ?? 8021),
    secret: env.FREESWITCH_SECRET ?? 'ClueCon',
  } satisfies EslAddress,
  /** drachtio-server's SIP address, where sipp sends its INVITEs. */
  sipTarget: env.SIPP_TARGET ?? `${env.DRACHTIO_HOST ?? '127.0.0.1'}:5060`,
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/** Environment for both apps: FreeSWITCH calls fsmrf back on loopback when it runs here. */
const appEnv: NodeJS.ProcessEnv = {
  ...env,
  FSMRF_LISTEN_ADDRESS:
    env.FSMRF_LISTEN_ADDRESS ??
    (['127.0.0.1', 'localhost'].includes(settings.freeswitch.host) ? '127.0.0.1' : undefined),
};

function notRun(reason: string): never {
  console.error(`bench:sip did not run: ${reason}`);
  process.exit(2);
}

// ---------------------------------------------------------------- helpers

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tcpAnswers(host: string, port: number, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A local UDP port nobody uses now (for sipp's SIP and media sockets). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}

/** CPU seconds a local process has used so far (Linux /proc), NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Processes on this host whose command name is `name` (Linux /proc); none elsewhere. */
function pidsNamed(name: string): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds so far of every process of each server, by pid. */
type ServerCpu = Record<'freeswitch' | 'drachtio' | 'postgres', Map<number, number>>;

function serverCpuSeconds(): ServerCpu {
  const byPid = (name: string) =>
    new Map(pidsNamed(name).map((pid) => [pid, cpuSeconds(pid) || 0] as const));
  return {
    freeswitch: byPid('freeswitch'),
    drachtio: byPid('drachtio'),
    postgres: byPid('postgres'),
  };
}

/**
 * CPU seconds used between two readings by the processes alive at the
 * second (one started since counts whole; one that exited is lost, so a
 * short-lived Postgres backend cannot make the figure negative).
 */
function usedSince(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, seconds] of after) used += Math.max(0, seconds - (before.get(pid) ?? 0));
  return used;
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** Reads `read` every `everyMs` until `done` holds or `ms` pass; returns the last reading. */
async function pollUntil<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  ms: number,
  everyMs: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(everyMs);
    value = await read();
  }
  return value;
}

/** Waits until FreeSWITCH has no sessions (up to `ms`); returns the count left. */
function settle(ms: number): Promise<number> {
  return pollUntil(
    () => channelCount(settings.freeswitch),
    (count) => !(count > 0),
    ms,
    500,
  );
}

/** FreeSWITCH's idle CPU % (`status`: "min idle cpu <min>/<current>"), the figure admission control reads. */
async function freeSwitchIdleCpu(): Promise<number> {
  const status = await eslApi(settings.freeswitch, 'status');
  return Number(/idle cpu [\d.]+\/([\d.]+)/i.exec(status)?.[1] ?? Number.NaN);
}

/**
 * Waits (up to `settings.coolDownMs`) for FreeSWITCH's idle CPU to reach
 * `settings.idleCpuBeforeStep`: the figure is a slow moving average, and a
 * step that starts while it still remembers the last one (or another
 * process's load) would see admission control refuse calls for "CPU busy".
 */
function coolDown(): Promise<number> {
  return pollUntil(
    freeSwitchIdleCpu,
    (idle) => idle >= settings.idleCpuBeforeStep,
    settings.coolDownMs,
    2_000,
  );
}

/**
 * Waits (up to `settings.settleMs`) for the host's 1-minute load average to
 * fall to `settings.maxLoadBeforeSweep` (default: the core count). A sweep
 * ends by offering more calls than FreeSWITCH can set up; the bare app, with
 * no admission control, drives it into collapse there (load averages of
 * 10-18 on two cores), and the host stays busy for minutes after. A sweep
 * started then measures that, not the system under test: on 2026-12-06 one
 * began at a load of 9.9 and ran its steps at 5-7, against 1.2-2.7 for the
 * same rates before the collapse. Returns the load the sweep starts at.
 */
async function settleHost(): Promise<{ load: number; waitedS: number }> {
  const started = Date.now();
  const load = await pollUntil(
    () => loadavg()[0] ?? Number.NaN,
    (oneMinute) => !(oneMinute > settings.maxLoadBeforeSweep),
    settings.settleMs,
    5_000,
  );
  return { load, waitedS: Math.round((Date.now() - started) / 1000) };
}

// ---------------------------------------------------------------- steps

interface Step extends SippStepResult {
  /** Wall-clock ms when sipp started and when the step (with its settling) ended. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly failShare: number;
  /** FreeSWITCH's idle CPU % when the step started. */
  readonly idleBefore: number;
  readonly appCpuPercent: number;
  /** CPU ms per call of the app, FreeSWITCH, drachtio-server and Postgres (a server not on this host reads 0). */
  readonly cpuMsPerCall: Readonly<Record<'app' | keyof ServerCpu, number>>;
  readonly load: string;
  /** FreeSWITCH sessions still up 30 s after the step's last call ended. */
  readonly leftAfter: number;
}

function failShare(result: SippStepResult): number {
  return result.calls === 0 ? 1 : (result.failed + result.refused503) / result.calls;
}

const header =
  '  cps  calls     ok    503  failed   fail%  setup p50  p99 ms  app CPU%  FS idle%  wall s  left  load';

function describeStep(step: Step): string {
  const row = [
    String(step.rate).padStart(5),
    String(step.calls).padStart(6),
    String(step.succeeded).padStart(6),
    String(step.refused503).padStart(6),
    String(step.failed).padStart(7),
    (step.failShare * 100).toFixed(2).padStart(7),
    fixed(percentile(step.setupMs, 50)).padStart(10),
    fixed(percentile(step.setupMs, 99)).padStart(7),
    fixed(step.appCpuPercent).padStart(9),
    fixed(step.idleBefore).padStart(9),
    fixed(step.wallSeconds, 1).padStart(7),
    String(step.leftAfter).padStart(5),
    `  ${step.load}`,
  ].join(' ');
  const cpu = step.cpuMsPerCall;
  const extra: string[] = [
    `CPU ms per call: app ${fixed(cpu.app, 1)}, FreeSWITCH ${fixed(cpu.freeswitch, 1)}, ` +
      `drachtio ${fixed(cpu.drachtio, 1)}, Postgres ${fixed(cpu.postgres, 1)}`,
  ];
  if (Object.keys(step.failureKinds).length > 0)
    extra.push(`sipp failures ${JSON.stringify(step.failureKinds)}`);
  if (Object.keys(step.unexpectedResponses).length > 0)
    extra.push(`calls aborted on ${JSON.stringify(step.unexpectedResponses)}`);
  if (Object.keys(step.strayMessages).length > 0)
    extra.push(`messages after the call ended ${JSON.stringify(step.strayMessages)}`);
  if (step.errorLog !== undefined) extra.push(`sipp errors: ${step.errorLog}`);
  if (step.note !== undefined) extra.push(`sipp exit ${step.exitCode}: ${step.note}`);
  return `${row}\n        ${extra.join('; ')}`;
}

/** Reasons Switchboard's admission control gives (media/admission, inbound-call-handler). */
const admissionReasons = [
  'call rate above limit',
  'media server slow to set up calls',
  'call limit reached',
  'media server sessions near maximum',
  'media server CPU busy',
  'call records are backing up',
];

/** Prefix of the files a run keeps in the temporary directory (sipp error logs). */
const keepPrefix = path.join(tmpdir(), `sbbench-sip-${process.pid}`);

/**
 * Starts counting CPU for a step; the function it returns reads what the
 * app used (% of one core over sipp's wall time) and, per call, what the
 * app and each server used.
 */
function cpuMeter(appPid: number | undefined) {
  const appBefore = cpuSeconds(appPid);
  const serversBefore = serverCpuSeconds();
  return (result: SippStepResult): Pick<Step, 'appCpuPercent' | 'cpuMsPerCall'> => {
    const appSeconds = cpuSeconds(appPid) - appBefore;
    const after = serverCpuSeconds();
    const ms = (seconds: number) =>
      result.calls === 0 ? Number.NaN : (seconds * 1000) / result.calls;
    return {
      appCpuPercent: (appSeconds / result.wallSeconds) * 100,
      cpuMsPerCall: {
        app: ms(appSeconds),
        freeswitch: ms(usedSince(serversBefore.freeswitch, after.freeswitch)),
        drachtio: ms(usedSince(serversBefore.drachtio, after.drachtio)),
        postgres: ms(usedSince(serversBefore.postgres, after.postgres)),
      },
    };
  };
}

async function loadStep(
  system: string,
  service: string,
  rate: number,
  seconds: number,
  appPid: number | undefined,
): Promise<Step> {
  const idleBefore = await coolDown();
  const [localPort, mediaPort] = [await freeUdpPort(), await freeUdpPort()];
  const cpu = cpuMeter(appPid);
  const startedAt = Date.now();
  const result = await runSippStep({
    target: settings.sipTarget,
    service,
    rate,
    seconds,
    localPort,
    mediaPort,
    keepErrorLogAs: `${keepPrefix}-${system}-${rate}cps-sipp-errors.log`,
  });
  const used = cpu(result);
  const leftAfter = await settle(30_000);
  return {
    ...result,
    startedAt,
    endedAt: Date.now(),
    failShare: failShare(result),
    idleBefore,
    ...used,
    load: load(),
    leftAfter,
  };
}

/** Rising rates until a step is not clean, then one step halfway back. */
async function sweep(
  system: string,
  label: string,
  service: string,
  app: {
    pid: number | undefined;
    alive: () => boolean;
    /** The app's own account of the calls it refused in a time window, when it keeps one. */
    refusals?: (fromMs: number, toMs: number) => Promise<Record<string, number>>;
  },
): Promise<{ steps: Step[]; clean: Step | undefined; stoppedBecause: string }> {
  const settled = await settleHost();
  console.info(
    `\n${label}: ${settings.stepSeconds} s per step, ${settings.sipTarget} ${service}; ` +
      `load average ${settled.load.toFixed(2)} at the start (waited ${settled.waitedS} s for <= ${settings.maxLoadBeforeSweep})`,
  );
  console.info(header);
  const steps: Step[] = [];
  let clean: Step | undefined;
  let stoppedBecause = `reached --max ${settings.max}`;
  const take = async (rate: number) => {
    const step = await loadStep(system, service, rate, settings.stepSeconds, app.pid);
    steps.push(step);
    console.info(describeStep(step));
    const refused = await app.refusals?.(step.startedAt, step.endedAt);
    if (refused !== undefined && Object.keys(refused).length > 0) {
      console.info(`        Switchboard's "call refused" lines: ${JSON.stringify(refused)}`);
    }
    if (step.failShare < settings.cleanBelow && (clean === undefined || rate > clean.rate)) {
      clean = step;
    }
    return step;
  };
  for (let rate = settings.start; rate <= settings.max; rate += settings.step) {
    const step = await take(rate);
    if (!app.alive()) {
      stoppedBecause = `the app exited during the ${rate} cps step`;
      break;
    }
    if (step.failShare >= settings.cleanBelow) {
      stoppedBecause = `${(step.failShare * 100).toFixed(2)}% failed at ${rate} cps`;
      const back = Math.round(rate - settings.step / 2);
      if (settings.step >= 4 && back > (clean?.rate ?? 0)) await take(back);
      break;
    }
  }
  return { steps, clean, stoppedBecause };
}

// ---------------------------------------------------------------- the bare app

async function startBareApp(): Promise<{ child: ChildProcess; stats(): Promise<unknown> }> {
  const child = fork(path.join(here, 'sip', 'bare-app.ts'), [], {
    execArgv: process.execArgv,
    env: { ...appEnv, BENCH_PROMPT: `en/${settings.prompt}` },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ ready?: boolean; error?: string }>((resolve) => {
    child.once('message', (message) => resolve(message as { ready?: boolean; error?: string }));
    child.once('exit', (code) => resolve({ error: `exited with ${code}` }));
  });
  if (ready.ready !== true) throw new Error(`bare app did not start: ${ready.error}`);
  return {
    child,
    async stats() {
      if (child.exitCode !== null) return { exited: child.exitCode };
      const answer = once(child, 'message');
      child.send({ stats: true });
      const timeout = sleep(5_000).then(() => [{ stats: 'no answer' }]);
      const [message] = (await Promise.race([answer, timeout])) as [{ stats: unknown }];
      return message.stats;
    },
  };
}

// ---------------------------------------------------------------- preflight

async function preflight(): Promise<void> {
  const missing = ['DRACHTIO_HOST', 'FREESWITCH_HOST'].filter((name) => !env[name]);
  if (missing.length > 0) {
    notRun(
      `${missing.join(' and ')} not set. bench:sip needs a running drachtio-server and FreeSWITCH: ` +
        'set DRACHTIO_HOST/PORT/SECRET and FREESWITCH_HOST/PORT/SECRET (see bench/README.md).',
    );
  }
  await tcpAnswers(settings.drachtio.host, settings.drachtio.port).catch((error: Error) =>
    notRun(
      `drachtio-server is not reachable at ${settings.drachtio.host}:${settings.drachtio.port} (${error.message}).`,
    ),
  );
  await channelCount(settings.freeswitch).catch((error: Error) =>
    notRun(`FreeSWITCH's event socket does not answer: ${error.message}.`),
  );
  const profile = await eslApi(settings.freeswitch, 'sofia status');
  if (!profile.includes('drachtio_mrf')) {
    notRun('FreeSWITCH has no drachtio_mrf SIP profile (drachtio-fsmrf sends its INVITEs there).');
  }
  await run('sipp', ['-v']).catch((error: { code?: unknown }) => {
    if (error.code === 'ENOENT') notRun('sipp is not installed (apt-get install sip-tester).');
  });
  await adminQuery('SELECT 1').catch((error: Error) =>
    notRun(`Postgres does not answer (DATABASE_URL's server): ${error.message}.`),
  );
  const redis = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis
    .connect()
    .then(() => redis.ping())
    .catch((error: Error) =>
      notRun(`Redis does not answer at ${settings.redisUrl}: ${error.message}.`),
    )
    .finally(() => redis.disconnect());
  const other = await otherApplicationAnswers();
  if (other !== undefined) notRun(other);
}

/**
 * With no application connected, drachtio-server refuses an INVITE with 503
 * itself; anything else means another application would share the INVITEs.
 */
async function otherApplicationAnswers(): Promise<string | undefined> {
  const probe = await runSippStep({
    target: settings.sipTarget,
    service: '+15550008000',
    rate: 1,
    seconds: 1,
    localPort: await freeUdpPort(),
    mediaPort: await freeUdpPort(),
  });
  if (probe.refused503 === 1) return undefined;
  return (
    `an INVITE to ${settings.sipTarget} was not refused with 503 by drachtio-server itself ` +
    `(${JSON.stringify({ ...probe, setupMs: undefined })}): another application seems connected ` +
    'to drachtio-server, or drachtio is not at SIPP_TARGET. Stop it and run again.'
  );
}

/** The bare app's sweep, from its start to its last session gone; leaves drachtio free. */
async function bareSweep(): Promise<Awaited<ReturnType<typeof sweep>>> {
  const other = await otherApplicationAnswers();
  if (other !== undefined) throw new Error(`before starting the bare app: ${other}`);
  const bare = await startBareApp();
  const bareRun = await sweep('bare', 'bare drachtio-srf + fsmrf app', settings.bareNumber, {
    pid: bare.child.pid,
    alive: () => bare.child.exitCode === null,
  });
  const bareStats = await bare.stats();
  bare.child.kill('SIGTERM');
  if (bare.child.exitCode === null) await once(bare.child, 'exit');
  console.info(`bare app's own count: ${JSON.stringify(bareStats)}`);
  const bareLeft = await settle(30_000);
  if (bareLeft > 0) {
    await eslApi(settings.freeswitch, 'hupall NORMAL_CLEARING');
    console.info(
      `bare app left ${bareLeft} FreeSWITCH sessions 30 s after it stopped; hung them up (hupall)`,
    );
  }
  return bareRun;
}

// ---------------------------------------------------------------- main

function clean(label: string, result: { clean: Step | undefined; stoppedBecause: string }) {
  const step = result.clean;
  return step === undefined
    ? `${label}: no clean rate (${result.stoppedBecause})`
    : `${label}: ${step.rate} cps clean (${step.calls} calls, ${step.failed + step.refused503} failed), ` +
        `set-up p50 ${fixed(percentile(step.setupMs, 50))} ms, p99 ${fixed(percentile(step.setupMs, 99))} ms; ` +
        `stopped: ${result.stoppedBecause}`;
}

async function main(): Promise<void> {
  console.info(
    `bench:sip: ${['tsx', ...process.argv.slice(1)].map((a) => path.relative(process.cwd(), a) || a).join(' ')}`,
  );
  await preflight();
  const started = Date.now();
  console.info(
    `drachtio ${settings.drachtio.host}:${settings.drachtio.port}, SIP ${settings.sipTarget}; ` +
      `FreeSWITCH ESL ${settings.freeswitch.host}:${settings.freeswitch.port}; ` +
      `prompt en/${settings.prompt} (~1.9 s); MEDIA_MAX_CALLS_PER_SECOND=${env.MEDIA_MAX_CALLS_PER_SECOND ?? '(default 80)'}`,
  );
  console.info(
    `load average before: ${load()}; FreeSWITCH sessions before: ${await channelCount(settings.freeswitch)}`,
  );

  // (a) Switchboard first, once nothing else takes INVITEs. Its sweep and
  // overload end in admission control's refusals, which leave FreeSWITCH
  // healthy; the bare app's sweep ends in FreeSWITCH's collapse (it has no
  // admission control), after which FreeSWITCH set up calls slowly for the
  // rest of the run on 2026-12-06 (a Switchboard sweep after it found set-ups
  // over 1 s at 30 calls/s where, before it, the bare app's had p99 64 ms).
  // So the sweep that ends in a collapse goes last.
  const other = await otherApplicationAnswers();
  if (other !== undefined) throw new Error(`before starting Switchboard: ${other}`);
  let switchboard: SwitchboardUnderTest | undefined;
  const cleanUp = async () => {
    await switchboard?.cleanUp();
  };
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    switchboard = await startSwitchboard({
      env: appEnv,
      number: settings.switchboardNumber,
      prompt: settings.prompt,
      redisUrl: settings.redisUrl,
      readyTimeoutMs: 60_000,
    });
    const sb = switchboard;
    console.info(
      `\nSwitchboard ${sb.url} (database ${sb.database}, Redis prefix ${sb.keyPrefix}, log ${sb.logFile})`,
    );
    const sbPid = sb.pid;
    const refusalsBetween = async (fromMs: number, toMs: number) =>
      Object.fromEntries(
        (await sb.summarizeLog(fromMs, toMs)).refusals.map((r) => [
          `${r.status} ${r.reason}`,
          r.count,
        ]),
      );
    const sbRun = await sweep('switchboard', "Switchboard's IVR", settings.switchboardNumber, {
      pid: sbPid,
      alive: () => sb.running(),
      refusals: refusalsBetween,
    });

    // Overload: twice the clean rate.
    let overload: Step | undefined;
    let leftAt5 = Number.NaN;
    let leftFinal = Number.NaN;
    let leftFinalAfter = 0;
    let overloadRefusals: Record<string, number> = {};
    if (sbRun.clean !== undefined && sb.running()) {
      const rate = sbRun.clean.rate * 2;
      console.info(
        `\nSwitchboard offered ${rate} cps (2 x ${sbRun.clean.rate}) for ${settings.overloadSeconds} s`,
      );
      console.info(header);
      const idleBefore = await coolDown();
      const [localPort, mediaPort] = [await freeUdpPort(), await freeUdpPort()];
      const cpu = cpuMeter(sbPid);
      const startedAt = Date.now();
      const result = await runSippStep({
        target: settings.sipTarget,
        service: settings.switchboardNumber,
        rate,
        seconds: settings.overloadSeconds,
        localPort,
        mediaPort,
        keepErrorLogAs: `${keepPrefix}-switchboard-overload-${rate}cps-sipp-errors.log`,
      });
      const ended = Date.now();
      await sleep(5_000);
      leftAt5 = await channelCount(settings.freeswitch);
      // Two orphan sweeps (MEDIA_ORPHAN_SWEEP_SECONDS, 30 s by default) end what no call owns.
      leftFinal = leftAt5;
      while (leftFinal > 0 && Date.now() - ended < 75_000) {
        await sleep(1_000);
        leftFinal = await channelCount(settings.freeswitch);
      }
      leftFinalAfter = Math.round((Date.now() - ended) / 1000);
      overload = {
        ...result,
        startedAt,
        endedAt: Date.now(),
        failShare: failShare(result),
        idleBefore,
        ...cpu(result),
        load: load(),
        leftAfter: leftFinal,
      };
      console.info(describeStep(overload));
      overloadRefusals = await refusalsBetween(overload.startedAt, overload.endedAt);
      console.info(
        `        Switchboard's "call refused" lines: ${JSON.stringify(overloadRefusals)}`,
      );
    }
    const alive = sb.running();
    const exit = alive ? await sb.stop(45_000) : sb.exitCode();
    const log = await sb.summarizeLog();

    // (b) the bare app, on the same servers, once Switchboard has let go of drachtio.
    const bareRun = await bareSweep();

    // ------------------------------------------------------------ summary
    console.info('\n== bench:sip summary ==');
    console.info(clean('bare app   ', bareRun));
    console.info(clean('Switchboard', sbRun));
    const ratio =
      bareRun.clean !== undefined && sbRun.clean !== undefined
        ? sbRun.clean.rate / bareRun.clean.rate
        : Number.NaN;
    console.info(
      `ratio Switchboard / bare: ${Number.isFinite(ratio) ? `${(ratio * 100).toFixed(0)}%` : '-'} ` +
        `(target >= 80%: ${Number.isFinite(ratio) && ratio >= 0.8 ? 'met' : 'NOT met'})`,
    );
    if (overload !== undefined) {
      const admitted = overload.calls - overload.refused503;
      const share = admitted === 0 ? Number.NaN : overload.succeeded / admitted;
      console.info(
        `overload ${overload.rate} cps for ${settings.overloadSeconds} s, by sipp: ${overload.calls} calls, ` +
          `${overload.refused503} got 503, ${admitted} did not, ${overload.succeeded} succeeded = ` +
          `${fixed(share * 100, 2)}% of those not refused with 503; ${overload.failed} failed otherwise ` +
          `${JSON.stringify(overload.unexpectedResponses)}`,
      );
      // A 503 is not always admission control: an endpoint FreeSWITCH could not create in
      // time is a 503 too, after the call was admitted. Switchboard's log tells them apart.
      const byAdmission = Object.entries(overloadRefusals)
        .filter(([key]) => admissionReasons.some((reason) => key === `503 ${reason}`))
        .reduce((sum, [, count]) => sum + count, 0);
      const admittedByAdmission = overload.calls - byAdmission;
      const admittedShare =
        admittedByAdmission === 0 ? Number.NaN : overload.succeeded / admittedByAdmission;
      console.info(
        `overload, by Switchboard's log: ${byAdmission} refused by admission control, ` +
          `${admittedByAdmission} admitted, ${overload.succeeded} of them succeeded = ` +
          `${fixed(admittedShare * 100, 2)}% (target >= 99.9%: ${admittedShare >= 0.999 ? 'met' : 'NOT met'}); ` +
          `admitted but failed: ${admittedByAdmission - overload.succeeded} ` +
          `(${overload.refused503 - byAdmission} with other 503s, ${overload.failed} otherwise)`,
      );
      console.info(
        `FreeSWITCH sessions after: ${leftAt5} at +5 s, ${leftFinal} at +${leftFinalAfter} s ` +
          `(target 0: ${leftFinal === 0 ? 'met' : 'NOT met'})`,
      );
    } else {
      console.info('overload: not run (Switchboard had no clean rate or had exited)');
    }
    console.info(
      `Switchboard process: ${alive ? `ran to the end, exit code ${exit} after SIGTERM` : `EXITED during the run (code ${exit})`}; ` +
        `log ${sb.logFile}: ${log.lines} lines, ${log.problems.reduce((n, p) => n + p.count, 0)} at warn or above`,
    );
    for (const problem of log.problems.slice(0, 12)) {
      console.info(`  ${String(problem.count).padStart(6)} ${problem.level} ${problem.msg}`);
    }
    if (log.refusals.length > 0)
      console.info('Switchboard\'s "call refused" lines, by status and reason:');
    for (const refusal of log.refusals) {
      console.info(`  ${String(refusal.count).padStart(6)} ${refusal.status} ${refusal.reason}`);
    }
    console.info(
      `load average after: ${load()}; ${Math.round((Date.now() - started) / 1000)} s in all`,
    );
  } finally {
    await cleanUp();
  }
}

await main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      `bench:sip failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
