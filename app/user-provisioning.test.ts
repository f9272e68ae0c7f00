// Real Postgres (cloned test database), real Redis (own key prefix) and the
// real service over HTTP: a user created from the CLI can log in to the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2PasswordHasher } from '../api/auth/password-hasher.ts';
import { ManualClock } from '../platform/clock.ts';
import { uuidGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { loadConfig } from './config.ts';
import { startService, type RunningService } from './switchboard-service.ts';
import { provisionUser } from './user-provisioning.ts';

let t: TestDatabase;
let redis: TestRedis;
let service: RunningService;

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createTestRedis();
  service = await startService({
    config: loadConfig({
      DATABASE_URL: t.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      DRACHTIO_PORT: '1',
      FREESWITCH_PORT: '1',
    }),
    logger: createLogger({ level: 'silent' }),
    clock: new ManualClock(Date.now()),
    ids: uuidGenerator,
  });
});
afterAll(async () => {
  await service.stop('test over');
  await redis.cleanup();
  await t.cleanup();
});

const login = (email: string, password: string) =>
  fetch(`${service.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

describe('provisioning a user from the CLI', () => {
  it('creates the first admin, who can then log in to the API', async () => {
    const created = await provisionUser(t.db, argon2PasswordHasher, {
      email: 'first-admin@example.com',
      displayName: 'First Admin',
      role: 'admin',
      password: 'a long enough password',
    });
    expect(created.generatedPassword).toBeUndefined();
    const ok = await login('first-admin@example.com', 'a long enough password');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect((await login('first-admin@example.com', 'the wrong password')).status).toBe(401);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor_label', 'target_id'])
      .where('action', '=', 'user.create')
      .execute();
    expect(audit).toEqual([{ actor_label: 'cli', target_id: created.id }]);
  });

  it('generates a password when none is given, stores only its hash, and that password works', async () => {
    const created = await provisionUser(t.db, argon2PasswordHasher, {
      email: 'agent7@example.com',
      displayName: 'Agent 7',
      role: 'agent',
    });
    expect(created.generatedPassword).toMatch(/^[\w-]{20}$/);
    const row = await t.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(created.generatedPassword ?? '');
    expect((await login('agent7@example.com', created.generatedPassword ?? '')).status).toBe(200);
  });

  it('refuses a duplicate email, a short password and a malformed email, creating nothing', async () => {
    const count = async () => (await t.db.selectFrom('users').select('id').execute()).length;
    const before = await count();
    await expect(
      provisionUser(t.db, argon2PasswordHasher, {
        email: 'AGENT7@example.com',
        displayName: 'Dup',
        role: 'agent',
      }),
    ).rejects.toThrow(/already exists/);
    await expect(
      provisionUser(t.db, argon2PasswordHasher, {
        email: 'x@example.com',
        displayName: 'X',
        role: 'agent',
        password: 'short',
      }),
    ).rejects.toThrow(/at least 12 characters/);
    await expect(
      provisionUser(t.db, argon2PasswordHasher, {
        email: 'y@example.com',
        displayName: 'Y',
        role: 'agent',
        password: ' '.repeat(12),
      }),
    ).rejects.toThrow(/password must not be only spaces/);
    await expect(
      provisionUser(t.db, argon2PasswordHasher, {
        email: 'not-an-email',
        displayName: 'X',
        role: 'agent',
      }),
    ).rejects.toThrow(/not an email address/);
    expect(await count()).toBe(before);
  });
});
