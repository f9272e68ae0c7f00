import { fileURLToPath } from 'node:url';
import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { SqlFileMigrationProvider } from './sql-file-migration-provider.ts';

/** The folder holding this project's migrations, independent of the working directory. */
export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

// Migrations touch tables outside any one typed schema, so any database type is accepted.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createSchemaMigrator(db: Kysely<any>, folder = migrationsFolder): Migrator {
  return new Migrator({ db, provider: new SqlFileMigrationProvider(folder) });
}

/** Throws the migration's own error (with the failing migration's name) when a step fails. */
export function assertMigrated(result: MigrationResultSet): string[] {
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error !== undefined) {
    const where = failed ? ` in migration ${failed.migrationName}` : '';
    const message =
      result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`Database migration failed${where}: ${message}`, { cause: result.error });
  }
  return (result.results ?? []).map(
    (r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`,
  );
}
