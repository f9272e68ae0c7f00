import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Migration, type MigrationProvider } from 'kysely';

/**
 * Reads plain-SQL migrations: `<name>.up.sql` with a matching `<name>.down.sql`.
 * Names sort by their timestamp prefix. A migration without its down file is
 * refused, so every schema change can be undone.
 */
export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = await readdir(this.folder);
    const names = files
      .filter((f) => f.endsWith('.up.sql'))
      .map((f) => f.slice(0, -'.up.sql'.length));
    const migrations: Record<string, Migration> = {};
    for (const name of names.sort()) {
      if (!files.includes(`${name}.down.sql`)) {
        throw new Error(`Migration ${name} in ${this.folder} has no ${name}.down.sql`);
      }
      const up = await readFile(join(this.folder, `${name}.up.sql`), 'utf8');
      const down = await readFile(join(this.folder, `${name}.down.sql`), 'utf8');
      migrations[name] = {
        up: async (db) => {
          await sql.raw(up).execute(db);
        },
        down: async (db) => {
          await sql.raw(down).execute(db);
        },
      };
    }
    return migrations;
  }
}
