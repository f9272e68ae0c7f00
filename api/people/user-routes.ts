import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { SessionRepository } from '../../sql/repositories/session-repository.ts';
import type { UserRepository, UserRow } from '../../sql/repositories/user-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import type { PasswordHasher } from '../auth/password-hasher.ts';
import { newPassword } from '../auth/password-policy.ts';
import { limit, timestamp, uuid } from '../routes/common-schemas.ts';
import { lastAdminRefusal } from './last-admin.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

export interface UserRouteDeps {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  /** Told after a change to what a user may do or whether they may log in (AuthService). */
  readonly credentials: { userChanged(userId: string): Promise<void> };
}

const role = z.enum(['agent', 'supervisor', 'admin']);
// The login password rule (length, variety, not a common one): auth/password-policy.ts.
const password = newPassword;
const capacities = {
  voiceCapacity: z.number().int().min(0).max(1),
  chatCapacity: z.number().int().min(0).max(20),
  emailCapacity: z.number().int().min(0).max(50),
};

export const userView = z.object({
  id: uuid,
  email: z.string(),
  displayName: z.string(),
  role,
  teamId: uuid.nullable(),
  voiceCapacity: z.number(),
  chatCapacity: z.number(),
  emailCapacity: z.number(),
  disabled: z.boolean(),
  createdAt: timestamp,
});

const skillLevels = z.array(z.object({ skillId: uuid, name: z.string(), level: z.number() }));
const sipCredentialView = z.object({
  id: uuid,
  username: z.string(),
  realm: z.string(),
  createdAt: timestamp,
});

const userParams = z.object({ userId: uuid });

/** Users and agents: profiles, roles, capacity, skills and SIP phone credentials. */
export function userRoutes(deps: UserRouteDeps): RouteDefinition[] {
  const { users } = deps;
  const existing = async (userId: string): Promise<UserRow> => {
    const user = await users.findById(userId);
    if (user === undefined) throw new SwitchboardError('not_found', 'User not found');
    return user;
  };
  const adminOnUser = async ({ params }: { params: { userId: string } }) => {
    await existing(params.userId);
  };
  return [
    defineRoute({
      method: 'get',
      path: '/users',
      tag: 'users',
      summary: "Users: a supervisor's team members, or everyone for admins",
      minimumRole: 'supervisor',
      query: z.object({ limit }),
      response: z.object({ items: z.array(userView) }),
      handler: async ({ scope, query }) => {
        const s = await scope();
        const rows = await users.list(s.all ? undefined : s.agentIds);
        return { body: { items: rows.slice(0, query.limit).map(toUserView) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      tag: 'users',
      summary: 'Create a user',
      minimumRole: 'admin',
      body: z.object({
        email: z.email({ message: 'must be an email address' }),
        displayName: z.string().trim().min(1, 'must not be empty').max(200),
        role,
        password: password.optional(),
        teamId: uuid.nullable().optional(),
        ...partial(capacities),
      }),
      response: userView,
      successStatus: 201,
      audit: { action: 'user.create', targetType: 'user' },
      handler: async ({ body }) => {
        const row = await users.insert({
          email: body.email,
          display_name: body.displayName,
          role: body.role,
          password_hash: body.password === undefined ? null : await deps.hasher.hash(body.password),
          team_id: body.teamId ?? null,
          voice_capacity: body.voiceCapacity,
          chat_capacity: body.chatCapacity,
          email_capacity: body.emailCapacity,
        });
        return { body: toUserView(row) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users/:userId',
      tag: 'users',
      summary: 'One user with skills (agents: themselves; supervisors: their teams)',
      minimumRole: 'agent',
      params: userParams,
      response: userView.extend({ skills: skillLevels }),
      authorize: async ({ params, scope }) => {
        const s = await scope();
        requireVisible(s.all || s.agentIds.includes(params.userId), 'User');
      },
      handler: async ({ params }) => {
        const user = await existing(params.userId);
        return { body: { ...toUserView(user), skills: await users.skills(user.id) } };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/users/:userId',
      tag: 'users',
      summary: "Change a user's profile, role, team, capacity, or disable them",
      minimumRole: 'admin',
      params: userParams,
      body: z.object({
        displayName: z.string().trim().min(1, 'must not be empty').max(200).optional(),
        role: role.optional(),
        teamId: uuid.nullable().optional(),
        disabled: z.boolean().optional(),
        ...partial(capacities),
      }),
      response: userView,
      audit: { action: 'user.update', targetType: 'user' },
      authorize: adminOnUser,
      handler: async ({ params, body, auditDetails }) => {
        const now = new Date(deps.clock.now());
        const before = await existing(params.userId);
        const row = await users
          .update(params.userId, {
            display_name: body.displayName,
            role: body.role,
            team_id: body.teamId,
            voice_capacity: body.voiceCapacity,
            chat_capacity: body.chatCapacity,
            email_capacity: body.emailCapacity,
            disabled_at: body.disabled === undefined ? undefined : body.disabled ? now : null,
          })
          .catch((error: unknown) => {
            throw lastAdminRefusal(error);
          });
        // A disabled user's open sessions end now, not at their expiry.
        if (body.disabled === true) await deps.sessions.endAllForUser(params.userId, now);
        // Their open live event sockets are closed or re-scoped at once, on every instance.
        if (body.role !== undefined || body.teamId !== undefined || body.disabled !== undefined) {
          await deps.credentials.userChanged(params.userId);
        }
        const after = row ?? (await existing(params.userId));
        // What someone may do changed: the entry says from what to what.
        auditDetails({ changed: Object.keys(body), ...accessChanges(before, after) });
        return { body: toUserView(after) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/users/:userId/password',
      tag: 'users',
      summary: "Set a user's login password (ends their sessions)",
      minimumRole: 'admin',
      params: userParams,
      body: z.object({ password }),
      audit: { action: 'user.set-password', targetType: 'user' },
      authorize: adminOnUser,
      handler: async ({ params, body }) => {
        await users.update(params.userId, { password_hash: await deps.hasher.hash(body.password) });
        await deps.sessions.endAllForUser(params.userId, new Date(deps.clock.now()));
        await deps.credentials.userChanged(params.userId);
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/users/:userId/skills',
      tag: 'users',
      summary: "Replace an agent's skills and levels (1-10)",
      minimumRole: 'admin',
      params: userParams,
      body: z.object({
        skills: z
          .array(z.object({ skillId: uuid, level: z.number().int().min(1).max(10) }))
          .max(100)
          .refine((s) => new Set(s.map((x) => x.skillId)).size === s.length, 'skills repeat'),
      }),
      response: z.object({ items: skillLevels }),
      audit: { action: 'user.set-skills', targetType: 'user' },
      authorize: adminOnUser,
      handler: async ({ params, body, auditDetails }) => {
        await users.replaceSkills(params.userId, body.skills);
        auditDetails({ skills: body.skills });
        return { body: { items: await users.skills(params.userId) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users/:userId/sip-credentials',
      tag: 'users',
      summary: "A user's SIP phone credentials (usernames only; HA1 never leaves)",
      minimumRole: 'admin',
      params: userParams,
      response: z.object({ items: z.array(sipCredentialView) }),
      authorize: adminOnUser,
      handler: async ({ params }) => ({
        body: { items: (await users.sipCredentials(params.userId)).map(toSipView) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/users/:userId/sip-credentials',
      tag: 'users',
      summary: 'Add SIP digest credentials; only the HA1 is stored',
      minimumRole: 'admin',
      params: userParams,
      body: z.object({
        username: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only'),
        realm: z.string().min(1, 'must not be empty').max(200),
        password: z.string().min(10, 'must be at least 10 characters').max(200),
      }),
      response: sipCredentialView,
      successStatus: 201,
      audit: { action: 'user.add-sip-credential', targetType: 'user' },
      authorize: adminOnUser,
      handler: async ({ params, body, auditDetails }) => {
        const ha1 = createHash('md5')
          .update(`${body.username}:${body.realm}:${body.password}`)
          .digest('hex');
        const row = await users.insertSipCredential({
          user_id: params.userId,
          username: body.username,
          realm: body.realm,
          ha1,
        });
        auditDetails({ credentialId: row.id, username: body.username });
        return { body: toSipView(row) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/users/:userId/sip-credentials/:credentialId',
      tag: 'users',
      summary: 'Remove SIP credentials',
      minimumRole: 'admin',
      params: z.object({ userId: uuid, credentialId: uuid }),
      audit: { action: 'user.remove-sip-credential', targetType: 'sip-credential' },
      authorize: adminOnUser,
      handler: async ({ params }) => {
        const removed = await users.deleteSipCredential(params.userId, params.credentialId);
        requireVisible(removed, 'SIP credential');
        return { status: 204, body: undefined };
      },
    }),
  ];
}

/** The role, team and disabled state as they were and are, for those that changed. */
function accessChanges(
  before: UserRow,
  after: UserRow,
): Record<string, { from: unknown; to: unknown }> {
  const facts = {
    role: [before.role, after.role],
    teamId: [before.team_id, after.team_id],
    disabled: [before.disabled_at !== null, after.disabled_at !== null],
  } as const;
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [name, [from, to]] of Object.entries(facts)) {
    if (from !== to) changes[name] = { from, to };
  }
  return changes;
}

function partial<T extends Record<string, z.ZodType>>(shape: T) {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}

export function toUserView(user: UserRow): z.infer<typeof userView> {
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    role: user.role,
    teamId: user.team_id,
    voiceCapacity: user.voice_capacity,
    chatCapacity: user.chat_capacity,
    emailCapacity: user.email_capacity,
    disabled: user.disabled_at !== null,
    createdAt: user.created_at.toISOString(),
  };
}

function toSipView(row: { id: string; username: string; realm: string; created_at: Date }) {
  return {
    id: row.id,
    username: row.username,
    realm: row.realm,
    createdAt: row.created_at.toISOString(),
  };
}
