import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { UserRepository } from '../../sql/repositories/user-repository.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import { toUserPreferences, userPreferences, userPreferencesChange } from './user-preferences.ts';

/** The caller's own desktop preferences (language, time zone, auto-accept), kept server-side. */
export function preferenceRoutes(deps: { users: UserRepository }): RouteDefinition[] {
  const { users } = deps;
  const own = async (userId: string) => {
    const user = await users.findById(userId);
    if (user === undefined) throw new SwitchboardError('unauthenticated', 'Log in first');
    return user;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/me/preferences',
      tag: 'auth',
      summary: 'My desktop preferences: language, time zone, auto-accept',
      minimumRole: 'agent',
      response: userPreferences,
      handler: async ({ principal }) => ({ body: toUserPreferences(await own(principal.userId)) }),
    }),
    defineRoute({
      method: 'put',
      path: '/me/preferences',
      tag: 'auth',
      summary: 'Change some of my preferences; fields left out keep their value',
      minimumRole: 'agent',
      body: userPreferencesChange,
      response: userPreferences,
      // Not `user`: a preference changes nothing about access, so cached sessions stay.
      audit: { action: 'user.set-preferences', targetType: 'user-preferences' },
      handler: async ({ principal, body, auditTarget, auditDetails }) => {
        auditTarget(principal.userId);
        auditDetails({ changes: body });
        const row = await users.update(principal.userId, {
          language: body.language,
          time_zone: body.timeZone,
          auto_accept: body.autoAccept,
        });
        return { body: toUserPreferences(row ?? (await own(principal.userId))) };
      },
    }),
  ];
}
