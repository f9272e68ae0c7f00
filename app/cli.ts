// The process entry point (bin/switchboard.js loads it): real argv, env,
// stdio and signals go in here and nowhere else.
import { runCli } from './cli-program.ts';

const stopSignal = (): Promise<string> =>
  new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  stopSignal,
});
process.exitCode = code;
// Whatever is still open (a socket nobody closed) must not keep a stopped
// process up: the exit is bounded too. Unref'd, so a clean exit is not delayed.
setTimeout(() => process.exit(code), 2_000).unref();
