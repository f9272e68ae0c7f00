// Real Postgres (a cloned test database) and the real sample flow files.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundRouteRepository } from '../sql/repositories/inbound-route-repository.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { publishFlowFile } from './flow-publisher.ts';

const sample = (name: string) => fileURLToPath(new URL(`../flows/${name}`, import.meta.url));
const broken = fileURLToPath(new URL('../ivr/test-fixtures/missing-target.json', import.meta.url));

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.cleanup();
});

describe('publishing a flow file', () => {
  it('stores a new published version each time and points the number at the newest', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const first = await publishFlowFile(t.db, {
      file: sample('main-menu.json'),
      number: '+15550001000',
      now,
    });
    expect(first).toMatchObject({ name: 'main-menu', version: 1 });
    const routes = new InboundRouteRepository(t.db);
    const live = await routes.find('+15550001000');
    expect(live).toMatchObject({ kind: 'flow', flow: { name: 'main-menu', version: 1 } });

    const second = await publishFlowFile(t.db, {
      file: sample('main-menu.json'),
      number: '+15550001000',
      now,
    });
    expect(second.version).toBe(2);
    expect(await routes.find('15550001000')).toMatchObject({ kind: 'flow', flow: { version: 2 } });
    // The call that loaded version 1 keeps its own copy of the definition.
    expect(live).toMatchObject({ kind: 'flow', flow: { version: 1 } });
    // A version's definition is read once and shared, frozen, by later calls.
    const again = await routes.find('+15550001000');
    const latest = await routes.find('+15550001000');
    if (again.kind !== 'flow' || latest.kind !== 'flow') throw new Error('not routed to a flow');
    expect(latest.flow.definition).toBe(again.flow.definition);
    expect(Object.isFrozen(latest.flow.definition)).toBe(true);

    const versions = await t.db
      .selectFrom('flows')
      .select(['version', 'published'])
      .where('name', '=', 'main-menu')
      .orderBy('version')
      .execute();
    expect(versions).toEqual([
      { version: 1, published: false },
      { version: 2, published: true },
    ]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'target_id', 'actor_label'])
      .where('action', '=', 'flow.publish')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'flow.publish', target_id: 'main-menu@1', actor_label: 'cli' },
      { action: 'flow.publish', target_id: 'main-menu@2', actor_label: 'cli' },
    ]);
  });

  it('publishes a YAML flow and records its source format', async () => {
    const result = await publishFlowFile(t.db, {
      file: sample('language-choice.yaml'),
      now: new Date(),
    });
    const row = await t.db
      .selectFrom('flows')
      .select(['source_format', 'published'])
      .where('id', '=', result.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ source_format: 'yaml', published: true });
  });

  it('refuses a broken flow with its problems and stores nothing', async () => {
    const before = await t.db
      .selectFrom('flows')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      publishFlowFile(t.db, { file: broken, number: '+15550002000', now: new Date() }),
    ).rejects.toThrow(/missing-target\.json.*not a valid flow/s);
    const after = await t.db
      .selectFrom('flows')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await new InboundRouteRepository(t.db).find('+15550002000')).toEqual({
      kind: 'unknown',
    });
  });

  it('refuses a malformed number and an unknown publisher', async () => {
    await expect(
      publishFlowFile(t.db, { file: sample('main-menu.json'), number: 'call-me', now: new Date() }),
    ).rejects.toThrow(/--number "call-me"/);
    await expect(
      publishFlowFile(t.db, {
        file: sample('main-menu.json'),
        by: 'nobody@example.com',
        now: new Date(),
      }),
    ).rejects.toThrow(/no user with email nobody@example.com/);
  });
});
