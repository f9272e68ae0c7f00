import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** DIDs and the flow each one runs. */
export class PhoneNumberRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list() {
    return this.db.selectFrom('phone_numbers').selectAll().orderBy('number').execute();
  }

  findById(id: string) {
    return this.db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  insert(row: { number: string; flow_name: string; description?: string }) {
    return this.db.insertInto('phone_numbers').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('phone_numbers')
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
