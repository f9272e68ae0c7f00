/**
 * Objects and valid bodies for hostile-bodies.test.ts: path parameters point
 * at objects the admin may change (never the admin itself, so the session
 * survives), and each route's valid body is the starting point for its
 * field-by-field mutations.
 */
import { testPassword, type ApiTestServer } from '../test/api-test-server.ts';

/** Creates what the routes' path parameters need and returns the values by parameter name. */
export async function routeParams(
  t: ApiTestServer,
  cookie: string,
): Promise<Record<string, string>> {
  const created = async (path: string, body: unknown) => {
    const reply = await t.request('post', path, { cookie, body });
    if (reply.status !== 201) throw new Error(`${path}: ${reply.status} ${reply.text}`);
    return (reply.body as { id: string }).id;
  };
  await t.db.db
    .insertInto('flows')
    .values({ name: 'main-menu', version: 1, definition: JSON.stringify({ id: 'main-menu' }) })
    .execute();
  return {
    userId: t.a.agentId,
    agentId: t.a.agentId,
    teamId: t.a.teamId,
    queueId: t.a.queueId,
    callId: t.a.callId,
    recordingId: t.a.recordingId,
    contactId: t.a.contactId,
    conversationId: t.a.conversationId,
    ticketId: t.a.ticketId,
    tokenId: await created('/tokens', { name: 'fixture', scopes: ['read'] }),
    credentialId: await created(`/users/${t.a.agentId}/sip-credentials`, {
      username: 'agent-a',
      realm: 'sip.example.test',
      password: 'phone-secret-1',
    }),
    phoneNumberId: await created('/phone-numbers', {
      number: '+15557770000',
      flowName: 'main-menu',
    }),
    skillId: await created('/skills', { name: 'english' }),
    codeId: await created('/disposition-codes', {
      code: 'fixture',
      label: 'Fixture',
      queueId: t.a.queueId,
    }),
    offerId: 'no-such-offer',
    flowName: 'main-menu',
    version: '1',
  };
}

export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? `unknown-${name}`);
}

const flow = { id: 'fuzz', initial: 'bye', states: { bye: { type: 'final' } } };

/** A valid body (or several) per `method path`; routes without one get `{}`. */
export function baseBodies(
  t: ApiTestServer,
  params: Record<string, string>,
): Record<string, readonly unknown[]> {
  return {
    // Another user's email: failed logins lock that account, not the admin's.
    'post /auth/login': [{ email: t.emails.agentB, password: 'not the password' }],
    // The admin's own, set to itself so the body stays valid for every probe; the session sending it stays.
    'put /auth/password': [{ currentPassword: testPassword, newPassword: testPassword }],
    'post /tokens': [{ name: 'fuzz', scopes: ['read'] }],
    'post /users': [
      {
        email: 'fuzz@example.test',
        displayName: 'Fuzz',
        role: 'agent',
        password: 'a long enough password',
        teamId: t.a.teamId,
        voiceCapacity: 1,
        chatCapacity: 2,
        emailCapacity: 3,
      },
    ],
    'patch /users/:userId': [
      { displayName: 'Agent A', role: 'agent', teamId: t.a.teamId, voiceCapacity: 1 },
    ],
    'put /users/:userId/password': [{ password: 'another long password' }],
    'put /users/:userId/skills': [{ skills: [{ skillId: params.skillId, level: 3 }] }],
    'post /users/:userId/sip-credentials': [
      { username: 'fuzz-a', realm: 'sip.example.test', password: 'phone-secret-2' },
    ],
    'post /teams': [{ name: 'fuzz-team' }],
    'put /teams/:teamId/supervisors': [{ userIds: [t.a.supervisorId] }],
    'post /skills': [{ name: 'fuzz-skill', description: 'for the fuzz' }],
    'post /queues': [{ name: 'fuzz-queue', displayName: 'Fuzz', ringTimeoutSeconds: 20 }],
    'patch /queues/:queueId': [
      {
        displayName: 'Queue A',
        strategy: 'longest-idle',
        ringTimeoutSeconds: 20,
        maxWaitSeconds: 600,
        overflowQueueId: null,
        wrapUpSeconds: 0,
        serviceLevelPercent: 80,
        serviceLevelSeconds: 20,
        maxMissedOffers: 3,
        teamId: t.a.teamId,
        wrapUpCodeRequired: false,
      },
    ],
    'put /queues/:queueId/members': [{ members: [{ userId: t.a.agentId, position: 1 }] }],
    'post /phone-numbers': [
      { number: '+15557770001', flowName: 'main-menu', description: 'fuzz line' },
    ],
    'post /flows/validate': [
      { format: 'json', definition: flow },
      { format: 'yaml', source: 'id: fuzz\ninitial: bye\nstates:\n  bye: { type: final }\n' },
    ],
    'post /flows/:flowName/versions': [{ format: 'json', definition: flow }],
    'put /contacts/:contactId/tags': [{ tags: ['vip', 'late payer'] }],
    'post /conversations/:conversationId/messages': [{ body: 'Hello there' }],
    'patch /tickets/:ticketId': [{ status: 'open', priority: 'high', assigneeId: t.a.agentId }],
    'post /calls/:callId/supervision': [{ mode: 'listen' }],
    'post /calls/:callId/transfer': [
      { target: { kind: 'number', number: '+15550100100' } },
      { target: { kind: 'queue', queueId: t.a.queueId } },
      { target: { kind: 'agent', agentId: t.a.agentId } },
    ],
    'post /calls/:callId/consult': [
      { target: { kind: 'number', number: '+15550100100' } },
      { target: { kind: 'agent', agentId: t.a.agentId } },
    ],
    'post /calls/:callId/dtmf': [{ digits: '12#' }],
    'put /agent/state': [{ state: 'break', reason: 'lunch' }],
    'post /agent/wrap-up': [
      { code: 'resolved', callId: t.a.callId },
      { code: 'fixture', notes: 'Card 4111 1111 1111 1111', callId: t.a.callId },
    ],
    'post /agent/calls': [{ number: '+15550100100' }],
    'put /me/preferences': [{ language: 'zh-CN', timeZone: 'Asia/Shanghai', autoAccept: true }],
    'post /disposition-codes': [{ code: 'fuzz', label: 'Fuzz', queueId: t.a.queueId }],
    'patch /disposition-codes/:codeId': [{ label: 'Fuzzed', active: false }],
    'put /agents/:agentId/state': [{ state: 'break', reason: 'training' }],
  };
}
