/**
 * One bench:sip load step: sipp (Debian `sip-tester`) places `rate` calls per
 * second for `seconds` with uac-prompt-then-bye.xml and waits for every call
 * to end. Figures come from sipp's own files, written in a fresh directory:
 *   -trace_stat   (-stf stat.csv)  successful / failed calls and why
 *   -trace_counts                  503s received (scenario message 4)
 *   -trace_rtt    (-rtt_freq 1)    INVITE-to-200 time of every answered call
 *   -trace_err                     the unexpected responses, by status code
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const scenarioFile = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'uac-prompt-then-bye.xml',
);

export interface SippStepRequest {
  /** drachtio-server's SIP address, host:port. */
  readonly target: string;
  /** The dialled number. */
  readonly service: string;
  readonly rate: number;
  readonly seconds: number;
  /** Local SIP and media ports for sipp. */
  readonly localPort: number;
  readonly mediaPort: number;
  /** Keep sipp's error log at this path when it is not empty. */
  readonly keepErrorLogAs?: string;
}

export interface SippStepResult {
  readonly rate: number;
  /** Calls placed. */
  readonly calls: number;
  /** Answered, heard the prompt, hung up by the far end. */
  readonly succeeded: number;
  /** Refused with 503 (admission control). */
  readonly refused503: number;
  /** Everything else: other final responses, no answer, no BYE, lost messages. */
  readonly failed: number;
  /** sipp's reasons for the failed calls, e.g. { FailedUnexpectedMessage: 3 }. */
  readonly failureKinds: Readonly<Record<string, number>>;
  /** Messages that aborted a call (a response's status code or a request's method), from sipp's error log. */
  readonly unexpectedResponses: Readonly<Record<string, number>>;
  /** Messages for calls sipp had already finished (e.g. a retransmitted 503), by status or method. */
  readonly strayMessages: Readonly<Record<string, number>>;
  /** Where sipp's error log was kept, when it had anything. */
  readonly errorLog?: string;
  /** INVITE to 200 of every answered call, ms, ascending. */
  readonly setupMs: readonly number[];
  readonly wallSeconds: number;
  /** sipp's exit code (0 all calls successful, 1 some failed, other: sipp itself failed). */
  readonly exitCode: number;
  /** Last lines sipp printed, when it exited abnormally. */
  readonly note?: string;
}

function parseCsv(text: string): { header: string[]; last: string[] } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(';');
  const last = (lines[lines.length - 1] ?? '').split(';');
  return { header, last };
}

function column(csv: { header: string[]; last: string[] }, name: string): number {
  const at = csv.header.indexOf(name);
  return at < 0 ? 0 : Number(csv.last[at] ?? 0) || 0;
}

export async function runSippStep(request: SippStepRequest): Promise<SippStepResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sbbench-sipp-'));
  const calls = Math.max(1, Math.round(request.rate * request.seconds));
  const args = [
    '-sf',
    scenarioFile,
    '-s',
    request.service,
    '-r',
    String(request.rate),
    '-rp',
    '1000',
    '-m',
    String(calls),
    '-l',
    '10000',
    '-i',
    '127.0.0.1',
    '-p',
    String(request.localPort),
    '-mp',
    String(request.mediaPort),
    '-nostdin',
    '-timeout',
    `${request.seconds + 90}s`,
    '-trace_stat',
    '-stf',
    'stat.csv',
    '-fd',
    '1',
    '-trace_counts',
    '-trace_rtt',
    '-rtt_freq',
    '1',
    '-trace_err',
    request.target,
  ];
  const started = performance.now();
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // sipp's own -timeout did not end a run whose calls hung (seen with sipp 3.6.1): end it here.
  const hardStop = setTimeout(
    () => {
      tail += '\n(bench: sipp ended by SIGKILL after its time was up)';
      child.kill('SIGKILL');
    },
    (request.seconds + 150) * 1000,
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(hardStop);
  const wallSeconds = (performance.now() - started) / 1000;
  try {
    const files = await readdir(dir);
    const read = async (suffix: string) => {
      const name = files.find((file) => file.endsWith(suffix));
      return name === undefined ? '' : readFile(path.join(dir, name), 'utf8');
    };
    const stat = parseCsv(await read('stat.csv'));
    const counts = parseCsv(await read('_counts.csv'));
    const placed = column(stat, 'OutgoingCall(C)');
    const successful = column(stat, 'SuccessfulCall(C)');
    // Calls still open when sipp gave up (its -timeout) count as failed too.
    const failed = Math.max(column(stat, 'FailedCall(C)'), placed - successful);
    const refused503 = column(counts, '4_503_Recv');
    const failureKinds: Record<string, number> = {};
    stat.header.forEach((name, at) => {
      const match = /^Failed(\w+)\(C\)$/.exec(name);
      const value = Number(stat.last[at] ?? 0);
      if (match !== null && match[1] !== 'Call' && value > 0) failureKinds[match[1]!] = value;
    });
    const errors = await read('_errors.log');
    const tally = (pattern: RegExp) => {
      const found: Record<string, number> = {};
      for (const match of errors.matchAll(pattern)) {
        const key = match[1] ?? match[2] ?? '?';
        found[key] = (found[key] ?? 0) + 1;
      }
      return found;
    };
    // "Aborting call on unexpected message ...: while expecting '200' (index 5), received 'SIP/2.0 480 ..."
    const unexpectedResponses = tally(
      /expecting [^\n]*?received '(?:SIP\/2\.0 (\d{3})|([A-Z]+) )/g,
    );
    // "Dead call <id> (successful), received 'SIP/2.0 503 ..." (retransmissions) and unknown calls.
    const strayMessages = tally(
      /(?:Dead call [^\n]*?received '|known SIPp call:\s*)(?:SIP\/2\.0 (\d{3})|([A-Z]+) )/g,
    );
    let errorLog: string | undefined;
    if (errors.trim() !== '' && request.keepErrorLogAs !== undefined) {
      await writeFile(request.keepErrorLogAs, errors);
      errorLog = request.keepErrorLogAs;
    }
    const setupMs = (await read('_rtt.csv'))
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(';')[1]))
      .filter((value) => Number.isFinite(value) && value >= 0)
      .sort((a, b) => a - b);
    const result: SippStepResult = {
      rate: request.rate,
      calls: successful + failed,
      succeeded: successful - refused503,
      refused503,
      failed,
      failureKinds,
      unexpectedResponses,
      strayMessages,
      ...(errorLog === undefined ? {} : { errorLog }),
      setupMs,
      wallSeconds,
      exitCode: code ?? -1,
    };
    return code === 0 || code === 1 ? result : { ...result, note: tail.trim().slice(-600) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Nearest-rank percentile of ascending values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
