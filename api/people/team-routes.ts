import { z } from 'zod';
import type { OrganisationRepository } from '../../sql/repositories/organisation-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { timestamp, uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

const teamView = z.object({
  id: uuid,
  name: z.string(),
  supervisorIds: z.array(uuid),
  createdAt: timestamp,
});
const skillView = z.object({ id: uuid, name: z.string(), description: z.string() });

/** Teams (and who leads them) and the skills catalogue. */
export function teamRoutes(deps: {
  organisation: OrganisationRepository;
  /** Told when a user's access changed (AuthService): here, who leads a team. */
  credentials: { userChanged(userId: string): Promise<void> };
}): RouteDefinition[] {
  const org = deps.organisation;
  const toView = (t: { id: string; name: string; supervisorIds: string[]; created_at: Date }) => ({
    id: t.id,
    name: t.name,
    supervisorIds: t.supervisorIds,
    createdAt: t.created_at.toISOString(),
  });
  return [
    defineRoute({
      method: 'get',
      path: '/teams',
      tag: 'teams',
      summary: 'Teams: those a supervisor leads, or all for admins',
      minimumRole: 'supervisor',
      response: z.object({ items: z.array(teamView) }),
      handler: async ({ scope }) => {
        const s = await scope();
        return {
          body: { items: (await org.listTeams(s.all ? undefined : s.teamIds)).map(toView) },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/teams',
      tag: 'teams',
      summary: 'Create a team',
      minimumRole: 'admin',
      body: z.object({ name: z.string().trim().min(1, 'must not be empty').max(100) }),
      response: teamView,
      successStatus: 201,
      audit: { action: 'team.create', targetType: 'team' },
      handler: async ({ body }) => ({
        body: toView({ ...(await org.insertTeam(body.name)), supervisorIds: [] }),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/teams/:teamId',
      tag: 'teams',
      summary: 'One team',
      minimumRole: 'supervisor',
      params: z.object({ teamId: uuid }),
      response: teamView,
      authorize: async ({ params, scope }) => {
        const s = await scope();
        requireVisible(s.all || s.teamIds.includes(params.teamId), 'Team');
      },
      handler: async ({ params }) => {
        const [team] = await org.listTeams([params.teamId]);
        requireVisible(team !== undefined, 'Team');
        return { body: toView(team!) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/teams/:teamId/supervisors',
      tag: 'teams',
      summary: 'Replace the supervisors who lead a team',
      minimumRole: 'admin',
      params: z.object({ teamId: uuid }),
      body: z.object({ userIds: z.array(uuid).max(50) }),
      response: teamView,
      audit: { action: 'team.set-supervisors', targetType: 'team' },
      authorize: async ({ params }) => {
        requireVisible((await org.listTeams([params.teamId])).length === 1, 'Team');
      },
      handler: async ({ params, body, auditDetails }) => {
        const [before] = await org.listTeams([params.teamId]);
        await org.replaceTeamSupervisors(params.teamId, [...new Set(body.userIds)]);
        const [team] = await org.listTeams([params.teamId]);
        // Who leads a team decides what they see: the entry keeps both lists.
        auditDetails({
          userIds: body.userIds,
          supervisors: { from: before?.supervisorIds ?? [], to: team!.supervisorIds },
        });
        // Their open event sockets are re-scoped at once: those who stopped leading lose the team.
        const affected = new Set([...(before?.supervisorIds ?? []), ...team!.supervisorIds]);
        for (const userId of affected) await deps.credentials.userChanged(userId);
        return { body: toView(team!) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/skills',
      tag: 'skills',
      summary: 'The skills catalogue',
      minimumRole: 'agent',
      response: z.object({ items: z.array(skillView) }),
      handler: async () => ({ body: { items: await org.listSkills() } }),
    }),
    defineRoute({
      method: 'post',
      path: '/skills',
      tag: 'skills',
      summary: 'Add a skill',
      minimumRole: 'admin',
      body: z.object({
        name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -'),
        description: z.string().max(500).optional(),
      }),
      response: skillView,
      successStatus: 201,
      audit: { action: 'skill.create', targetType: 'skill' },
      handler: async ({ body }) => ({ body: await org.insertSkill(body) }),
    }),
  ];
}
