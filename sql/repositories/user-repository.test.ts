/**
 * The rule that an organisation keeps an active admin, in Postgres itself
 * (real Postgres: one cloned, migrated database for this file): every path
 * is covered, not only the API's, and two transactions demoting each other
 * are serialised so that the second sees the first.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../database.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import { keepAnAdminConstraint, UserRepository } from './user-repository.ts';

let t: TestDatabase;
let ids: { a: string; b: string };

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.cleanup();
});

let n = 0;
beforeEach(async () => {
  // Two fresh active admins; the earlier tests' admins step down first.
  n += 1;
  const insert = (name: string) =>
    t.db
      .insertInto('users')
      .values({ email: `${name}-${n}@example.test`, display_name: name, role: 'admin' })
      .returning('id')
      .executeTakeFirstOrThrow();
  ids = { a: (await insert('a')).id, b: (await insert('b')).id };
  await t.db
    .updateTable('users')
    .set({ role: 'agent' })
    .where('role', '=', 'admin')
    .where('id', 'not in', [ids.a, ids.b])
    .execute();
});

const refused = /last active admin/;

describe('keeping an active admin', () => {
  it.each([
    {
      change: 'demoting',
      run: (db: Kysely<Database>, id: string) =>
        new UserRepository(db).update(id, { role: 'supervisor' }),
    },
    {
      change: 'disabling',
      run: (db: Kysely<Database>, id: string) =>
        new UserRepository(db).update(id, { disabled_at: new Date() }),
    },
    {
      change: 'deleting',
      run: (db: Kysely<Database>, id: string) =>
        db.deleteFrom('users').where('id', '=', id).execute(),
    },
  ])('refuses $change the last one, by any path', async ({ run }) => {
    await run(t.db, ids.b);
    await expect(run(t.db, ids.a)).rejects.toMatchObject({ constraint: keepAnAdminConstraint });
    await expect(
      sql`UPDATE users SET role = 'agent' WHERE role = 'admin'`.execute(t.db),
    ).rejects.toThrow(refused);
  });

  it('lets the second of two concurrent demotions wait for the first, then refuses it', async () => {
    let commitFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    const first = t.db.transaction().execute(async (tx) => {
      await new UserRepository(tx).update(ids.b, { role: 'agent' });
      await firstMayCommit;
    });
    // Wait until the first holds the lock (its update ran), then start the second.
    await waitFor(async () => (await advisoryLocks(true)) === 1);
    const second = t.db.transaction().execute(async (tx) => {
      await new UserRepository(tx).update(ids.a, { role: 'agent' });
    });
    await waitFor(async () => (await advisoryLocks(false)) === 1);
    commitFirst();
    await first;
    await expect(second).rejects.toMatchObject({ constraint: keepAnAdminConstraint });
    const admins = await t.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .execute();
    expect(admins.map((r) => r.id)).toEqual([ids.a]);
  });
});

async function advisoryLocks(granted: boolean): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
    WHERE l.locktype = 'advisory' AND l.granted = ${granted} AND d.datname = ${t.name}`.execute(
    t.db,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Polls a fact of the server (a lock held or awaited) for at most 5 s. */
async function waitFor(fact: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await fact())) {
    if (Date.now() > deadline) throw new Error('not within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
