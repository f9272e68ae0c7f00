import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { NO_MIGRATIONS } from 'kysely';
import { systemClock } from '../platform/clock.ts';
import { uuidGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { pino } from 'pino';
import { redactingLogDestination } from '../api/privacy/redacting-log-destination.ts';
import { registerFlowCommands } from '../ivr/flow-commands.ts';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import { connectDatabase } from '../sql/connect-database.ts';
import { ensureDatabase } from '../sql/ensure-database.ts';
import { assertMigrated, createSchemaMigrator } from '../sql/schema-migrator.ts';
import { argon2PasswordHasher } from '../api/auth/password-hasher.ts';
import { publishFlowFile } from './flow-publisher.ts';
import { provisionUser } from './user-provisioning.ts';
import { configVariables, loadConfig, type Config } from './config.ts';
import { startService } from './switchboard-service.ts';

/** What the CLI touches of the outside world; tests pass their own. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Relative file arguments (flow files) are relative to this. */
  readonly cwd: string;
  /** All of standard input (for `--password-stdin`). */
  readonly readStdin: () => Promise<string>;
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT). */
  readonly stopSignal: () => Promise<string>;
}

/** After the drain (`SHUTDOWN_DRAIN_SECONDS`), how long the rest of shutdown may take. */
const shutdownGraceMs = 20_000;

/** Exit codes: 0 done, 1 the work failed, 2 bad configuration or usage. */
export function buildCli(io: CliIo): Command {
  const program = new Command('switchboard')
    .description('Switchboard: a telephony-first contact center')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const config = (): Config => loadConfig(io.env);

  program
    .command('start')
    .description('start the API, SIP/media control and ACD with the configured settings')
    .action(async () => {
      const settings = config();
      // Card and national-id numbers are scrubbed from every line before it is written.
      const logger = createLogger(
        { level: settings.logLevel },
        redactingLogDestination(pino.destination(1)),
      );
      const service = await startService({
        config: settings,
        logger,
        clock: systemClock,
        ids: uuidGenerator,
      });
      io.stdout(
        `Switchboard is up: ${service.url} (health ${service.url}/healthz, readiness ${service.url}/readyz)\n`,
      );
      const signal = await io.stopSignal();
      // The whole shutdown has a hard bound: the drain, then this much for the rest.
      const limitMs = settings.shutdownDrainMs + shutdownGraceMs;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const forced = new Promise<'forced'>((resolve) => {
        timer = setTimeout(() => resolve('forced'), limitMs);
      });
      const outcome = await Promise.race([service.stop(signal).then(() => 'stopped'), forced]);
      clearTimeout(timer);
      if (outcome === 'forced') {
        logger.error({ limitMs }, 'shutdown did not finish in time; exiting anyway');
        throw new SwitchboardError(
          'unavailable',
          `shutdown did not finish within ${Math.round(limitMs / 1000)} s; exiting anyway`,
        );
      }
    });

  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('create the database if missing and apply every pending migration')
    .addOption(new Option('--down', 'revert every migration (drops all Switchboard tables)'))
    .action(async (options: { down?: boolean }) => {
      const settings = config();
      if (await ensureDatabase(settings.databaseUrl)) io.stdout('created database\n');
      const database = connectDatabase(settings.databaseUrl, { maxConnections: 1 });
      try {
        const migrator = createSchemaMigrator(database);
        const result =
          options.down === true
            ? await migrator.migrateTo(NO_MIGRATIONS)
            : await migrator.migrateToLatest();
        const lines = assertMigrated(result);
        io.stdout(lines.length === 0 ? 'database is up to date\n' : `${lines.join('\n')}\n`);
      } finally {
        await database.destroy();
      }
    });
  db.command('status')
    .description('list migrations and whether each is applied')
    .action(async () => {
      const database = connectDatabase(config().databaseUrl, { maxConnections: 1 });
      try {
        for (const m of await createSchemaMigrator(database).getMigrations()) {
          io.stdout(`${m.executedAt ? 'applied' : 'pending'}  ${m.name}\n`);
        }
      } finally {
        await database.destroy();
      }
    });

  registerFlowCommands(program, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd });
  const flows = program.commands.find((c) => c.name() === 'flows');
  flows
    ?.command('publish')
    .description(
      'validate a flow file, store it as a new published version, and point a number at it',
    )
    .argument('<file>', 'flow file (.json, .yaml, .yml)')
    .option('--number <did>', 'phone number (DID) that should run this flow')
    .option('--by <email>', 'the admin publishing it, for the audit log')
    .action(async (file: string, options: { number?: string; by?: string }) => {
      const database = connectDatabase(config().databaseUrl, { maxConnections: 1 });
      try {
        const published = await publishFlowFile(database, {
          file: resolve(io.cwd, file),
          ...options,
          now: new Date(),
        });
        const target = options.number === undefined ? '' : `; ${options.number} now runs it`;
        io.stdout(`published ${published.name} version ${published.version}${target}\n`);
      } finally {
        await database.destroy();
      }
    });

  program
    .command('users')
    .description('user administration')
    .command('add')
    .description(
      'create a user (e.g. the first admin); prints a generated password unless --password-stdin',
    )
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--name <name>', 'display name')
    .addOption(
      new Option('--role <role>', 'role')
        .choices(['agent', 'supervisor', 'admin'])
        .default('agent'),
    )
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(
      async (options: {
        email: string;
        name: string;
        role: 'agent' | 'supervisor' | 'admin';
        passwordStdin?: boolean;
      }) => {
        const password =
          options.passwordStdin === true ? (await io.readStdin()).replace(/\r?\n$/, '') : undefined;
        const database = connectDatabase(config().databaseUrl, { maxConnections: 1 });
        try {
          const created = await provisionUser(database, argon2PasswordHasher, {
            email: options.email,
            displayName: options.name,
            role: options.role,
            ...(password !== undefined ? { password } : {}),
          });
          io.stdout(`created ${options.role} ${options.email} (${created.id})\n`);
          if (created.generatedPassword !== undefined) {
            io.stdout(
              `password (shown once; change it after logging in): ${created.generatedPassword}\n`,
            );
          }
        } finally {
          await database.destroy();
        }
      },
    );

  program
    .command('config')
    .description('validate the settings and list every variable Switchboard reads')
    .action(() => {
      config();
      io.stdout(`configuration is valid; variables: ${configVariables.join(', ')}\n`);
    });

  program.addHelpText(
    'after',
    () =>
      `\nEvery command:\n${listCommands(program)
        .map((line) => `  ${line}`)
        .join('\n')}\n`,
  );
  return program;
}

/** Every runnable command path with its description, for `--help`. */
function listCommands(command: Command, prefix = 'switchboard'): string[] {
  return command.commands.flatMap((child) => {
    const path = `${prefix} ${child.name()}`;
    return child.commands.length > 0
      ? listCommands(child, path)
      : [`${path.padEnd(34)} ${child.description()}`];
  });
}

/** Runs the CLI and returns the process exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildCli(io);
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (isCommanderExit(error)) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof SwitchboardError && error.code !== 'internal') {
      io.stderr(`${error.message}\n`);
      return error.code === 'config_invalid' || error.code === 'validation_failed' ? 2 : 1;
    }
    io.stderr(`switchboard: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function isCommanderExit(error: unknown): error is { exitCode: number; code: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'exitCode' in error &&
    'code' in error &&
    String((error as { code: unknown }).code).startsWith('commander.')
  );
}
