import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { UserRepository } from '../../sql/repositories/user-repository.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

/** Where browsers reach drachtio-server over SIP-over-WebSocket, and their ICE servers. */
export interface SoftphoneSettings {
  /** The SIP digest realm (SIP_REALM). */
  readonly realm: string;
  /** `ws://` or `wss://` addresses of drachtio-server's WebSocket contact (SIP_WS_URI). */
  readonly webSocketUris: readonly string[];
  /** STUN/TURN URLs for the browser's peer connection (WEBRTC_ICE_SERVERS). */
  readonly iceServerUrls: readonly string[];
}

const softphoneView = z.discriminatedUnion('enabled', [
  z.object({ enabled: z.literal(false), reason: z.literal('not-configured') }),
  z.object({
    enabled: z.literal(true),
    wsServers: z.array(z.string()),
    aor: z.string(),
    username: z.string(),
    realm: z.string(),
    authorizationHa1: z.string(),
    displayName: z.string(),
    iceServers: z.array(z.object({ urls: z.array(z.string()) })),
  }),
]);

/** The browser softphone's SIP user name of a user: one per user, apart from their desk phones'. */
export function softphoneUsername(userId: string): string {
  return `web.${userId.replaceAll('-', '')}`;
}

/**
 * `POST /me/softphone`: what the signed-in user's browser needs to register
 * as their phone. The first call makes the user's browser credential (a
 * random password nobody sees; only its HA1 is kept, as for every SIP
 * credential), so an agent needs nothing from an admin to take calls in the
 * browser. A POST, not a GET: it may create the credential, and each issue
 * of the HA1 is audited. The HA1 goes only to its owner's session, never to
 * logs (the answer is `no-store` like every API answer).
 */
export function softphoneRoutes(deps: {
  users: UserRepository;
  settings: SoftphoneSettings | undefined;
}): RouteDefinition[] {
  const { users, settings } = deps;
  const credentialOf = async (userId: string, realm: string) => {
    const username = softphoneUsername(userId);
    const existing = await users.sipCredentialHa1(userId, realm, username);
    if (existing !== undefined) return { username, ha1: existing, created: false };
    const password = randomBytes(24).toString('base64url');
    const ha1 = createHash('md5').update(`${username}:${realm}:${password}`).digest('hex');
    // Two tabs asking at once: the second insert finds the first one's row.
    const kept = await users.insertSipCredentialIfAbsent({ user_id: userId, username, realm, ha1 });
    const stored = kept ? ha1 : await users.sipCredentialHa1(userId, realm, username);
    if (stored === undefined) throw new SwitchboardError('conflict', 'Try again');
    return { username, ha1: stored, created: kept };
  };
  return [
    defineRoute({
      method: 'post',
      path: '/me/softphone',
      tag: 'auth',
      summary:
        "My browser softphone's registration: WebSocket server, SIP identity, HA1, ICE servers",
      minimumRole: 'agent',
      response: softphoneView,
      audit: { action: 'user.softphone-credentials', targetType: 'user' },
      handler: async ({ principal, auditTarget, auditDetails }) => {
        auditTarget(principal.userId);
        if (settings === undefined || settings.webSocketUris.length === 0) {
          return { body: { enabled: false as const, reason: 'not-configured' as const } };
        }
        const user = await users.findById(principal.userId);
        if (user === undefined) throw new SwitchboardError('unauthenticated', 'Log in first');
        const { username, ha1, created } = await credentialOf(user.id, settings.realm);
        auditDetails({ username, created });
        return {
          body: {
            enabled: true as const,
            wsServers: [...settings.webSocketUris],
            aor: `sip:${username}@${settings.realm}`,
            username,
            realm: settings.realm,
            authorizationHa1: ha1,
            displayName: user.display_name,
            iceServers:
              settings.iceServerUrls.length > 0 ? [{ urls: [...settings.iceServerUrls] }] : [],
          },
        };
      },
    }),
  ];
}
