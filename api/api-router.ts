import type { IncomingHttpHeaders } from 'node:http';
import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.ts';
import { createAcdKeys } from '../routing/acd-keys.ts';
import type { Database } from '../sql/database.ts';
import { AccessScopeRepository } from '../sql/repositories/access-scope-repository.ts';
import { ApiTokenRepository } from '../sql/repositories/api-token-repository.ts';
import { AuditRepository } from '../sql/repositories/audit-repository.ts';
import { CallRepository } from '../sql/repositories/call-repository.ts';
import { ContactRepository } from '../sql/repositories/contact-repository.ts';
import { DirectoryRepository } from '../sql/repositories/directory-repository.ts';
import { ConversationRepository } from '../sql/repositories/conversation-repository.ts';
import { DispositionCodeRepository } from '../sql/repositories/disposition-code-repository.ts';
import { FlowRepository } from '../sql/repositories/flow-repository.ts';
import { OrganisationRepository } from '../sql/repositories/organisation-repository.ts';
import { PhoneNumberRepository } from '../sql/repositories/phone-number-repository.ts';
import { QueueRepository } from '../sql/repositories/queue-repository.ts';
import { SessionRepository } from '../sql/repositories/session-repository.ts';
import { TicketRepository } from '../sql/repositories/ticket-repository.ts';
import { UserRepository } from '../sql/repositories/user-repository.ts';
import { AccessScopeResolver } from './access/access-scope-resolver.ts';
import type { Principal } from './access/principal.ts';
import { agentDeskRoutes, type AgentDeskPort } from './agent-desk/agent-desk-routes.ts';
import type { ClickToDial } from './agent-desk/click-to-dial.ts';
import { clickToDialRoutes } from './agent-desk/click-to-dial-routes.ts';
import { interactionRoutes } from './agent-desk/interaction-routes.ts';
import { AccessDenials } from './audit/access-denials.ts';
import { AuditBudget, type AuditBudgetPolicy } from './audit/audit-budget.ts';
import { AuditTrail } from './audit/audit-trail.ts';
import { auditRoutes } from './audit/audit-routes.ts';
import { createAuthKeys } from './auth/auth-keys.ts';
import { CredentialNotices } from './auth/credential-notices.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { AuthService } from './auth/auth-service.ts';
import { LoginThrottle, type LoginThrottlePolicy } from './auth/login-throttle.ts';
import { PasswordChange } from './auth/password-change.ts';
import { argon2PasswordHasher, type PasswordHasher } from './auth/password-hasher.ts';
import { requestCredentials } from './auth/request-credentials.ts';
import { callRoutes } from './calls/call-routes.ts';
import { contactRoutes } from './contacts/contact-routes.ts';
import { conversationRoutes } from './conversations/conversation-routes.ts';
import { directoryRoutes } from './directory/directory-routes.ts';
import type { FlowValidator } from './flows/flow-validator.ts';
import { flowRoutes } from './flows/flow-routes.ts';
import { CallControlEvents } from './live-call/call-control-events.ts';
import { callControlRoutes } from './live-call/call-control-routes.ts';
import type { LiveCallControl } from './live-call/live-call-control.ts';
import { consultRoutes } from './live-call/consult-routes.ts';
import { liveCallRoutes } from './live-call/live-call-routes.ts';
import { phoneNumberRoutes } from './numbers/phone-number-routes.ts';
import { docsPage } from './openapi/docs-page.ts';
import { buildOpenApiDocument } from './openapi/openapi-document.ts';
import { preferenceRoutes } from './people/preference-routes.ts';
import { softphoneRoutes, type SoftphoneSettings } from './softphone/softphone-routes.ts';
import { teamRoutes } from './people/team-routes.ts';
import { userRoutes } from './people/user-routes.ts';
import { queueRoutes } from './queues/queue-routes.ts';
import { recordingRoutes } from './recordings/recording-routes.ts';
import { mountRoutes } from './routes/mount-routes.ts';
import type { RouteDefinition } from './routes/route-definition.ts';
import { ticketRoutes } from './tickets/ticket-routes.ts';
import { warmDatabase } from './warm-up.ts';
import { dispositionCodeRoutes } from './wrap-up/disposition-code-routes.ts';
import { WrapUpRules } from './wrap-up/wrap-up-rules.ts';

/** Where the API is mounted; the OpenAPI servers entry and the docs page use it. */
export const apiBasePath = '/api/v1';

export interface ApiDependencies {
  readonly db: Kysely<Database>;
  /** Commands connection, for login throttling. */
  readonly redis: Redis;
  /** Prefix of the API's Redis keys (the deployment's REDIS_KEY_PREFIX). */
  readonly keyPrefix: string;
  /**
   * The live event stream, where credential changes are announced to every
   * instance's live event server (default: routing's, under `keyPrefix`).
   */
  readonly eventStreamKey?: string;
  readonly clock: Clock;
  /** routing's AgentDesk (createRedisRouting(...).desk). */
  readonly desk: AgentDeskPort;
  /** The voice layer's live-call control (issue 6); InMemoryLiveCallControl until then. */
  readonly liveCalls: LiveCallControl;
  /** The voice layer's click-to-dial; InMemoryClickToDial in tests. */
  readonly clickToDial: ClickToDial;
  /** The browser softphone's WebSocket servers and realm; absent or without servers: none. */
  readonly softphone?: SoftphoneSettings;
  /** Contacts waiting per queue, by routing name (routing's `insight`), for GET /directory. */
  readonly queueInsight?: { snapshot(queueName: string): Promise<{ readonly waiting: number }> };
  /** The IVR flow validator. */
  readonly flowValidator: FlowValidator;
  readonly recordingsDir: string;
  /** Session lifetime; default 12 hours (one long shift). */
  readonly sessionSeconds?: number;
  /** Mark the session cookie Secure (serve over HTTPS). */
  readonly secureCookies: boolean;
  /** Redact card and national-id numbers from message bodies before storing them. */
  readonly redactStoredMessages: boolean;
  readonly hasher?: PasswordHasher;
  /**
   * How long this process reuses a successful session lookup (default 3 s; 0
   * disables). Logout and writes to a user drop it here at once; other API
   * processes honour an ended session for at most this long.
   */
  readonly sessionCacheMs?: number;
  /** How long a user's computed access scope is reused (default 2 s; 0 in tests that change teams). */
  readonly scopeCacheMs?: number;
  readonly loginThrottle?: LoginThrottlePolicy;
  /** Bound on audit entries anyone can cause (refused log-ins, 403s); see AuditBudget. */
  readonly auditBudget?: AuditBudgetPolicy;
  /**
   * Database connections readied at start for the hot reads (default 10, the
   * pool's default size); see {@link Api.ready}. 0 skips the warm-up.
   */
  readonly warmConnections?: number;
  /** Told of every successful write (target type and id), e.g. to refresh routing's copy of queues. */
  readonly onWrite?: (write: {
    readonly targetType: string;
    readonly targetId: string | null;
  }) => void;
}

export interface Api {
  /** Mount at {@link apiBasePath}. */
  readonly router: Router;
  readonly routes: readonly RouteDefinition[];
  readonly auth: AuthService;
  readonly scopes: AccessScopeResolver;
  /** Audits refused requests; the event socket's server reports its refusals here too. */
  readonly denials: AccessDenials;
  /** The principal behind request or upgrade headers (cookie or bearer token), or null. */
  authenticate(headers: IncomingHttpHeaders): Promise<Principal | null>;
  /**
   * Settles when the start-up warm-up is over: pooled connections opened and
   * the hot statements prepared on each (see warm-up.ts). Requests are
   * served before that too; a failed warm-up only means they pay for it.
   */
  readonly ready: Promise<void>;
  /** Stops the caches' background refresh (their timers never keep the process alive). */
  close(): void;
}

/**
 * Builds the whole HTTP API: repositories over `db`, auth, roles, audit, every
 * resource, the OpenAPI document (`/openapi.json`) and its docs page (`/docs`).
 *
 * @example
 * const api = createApi({ db, redis, keyPrefix: 'sb:', clock, desk: routing.desk, liveCalls,
 *   flowValidator, recordingsDir, secureCookies: false, redactStoredMessages: true });
 * createHttpApp({ logger, ids, routers: [{ path: apiBasePath, router: api.router }] });
 */
export function createApi(deps: ApiDependencies): Api {
  const { db, clock } = deps;
  const users = new UserRepository(db);
  const sessions = new SessionRepository(db);
  const tokens = new ApiTokenRepository(db);
  const auditRepository = new AuditRepository(db);
  const calls = new CallRepository(db);
  const contacts = new ContactRepository(db);
  const conversations = new ConversationRepository(db);
  const tickets = new TicketRepository(db);
  const queues = new QueueRepository(db);
  const dispositionCodes = new DispositionCodeRepository(db);
  const hasher = deps.hasher ?? argon2PasswordHasher;
  const audit = new AuditTrail(auditRepository);
  const authKeys = createAuthKeys(deps.keyPrefix);
  const auditBudget = new AuditBudget(deps.redis, authKeys, clock, deps.auditBudget);
  const sessionSeconds = deps.sessionSeconds ?? 12 * 3600;
  const scopeRepository = new AccessScopeRepository(db);
  const scopes = new AccessScopeResolver(scopeRepository, clock, deps.scopeCacheMs);
  const throttle = new LoginThrottle(deps.redis, authKeys, deps.loginThrottle);
  const auth = new AuthService({
    users,
    sessions,
    tokens,
    hasher,
    throttle,
    audit,
    auditBudget,
    notices: new CredentialNotices(
      deps.redis,
      deps.eventStreamKey ?? createAcdKeys(deps.keyPrefix).events(),
    ),
    clock,
    sessionSeconds,
    ...(deps.sessionCacheMs === undefined ? {} : { sessionCacheMs: deps.sessionCacheMs }),
    // A desktop lists its conversations and tickets right after logging in:
    // have the scope ready (failures surface on the request that needs it).
    onLogin: (principal) => void scopes.resolve(principal).catch(() => undefined),
  });
  // A change to what a user may do: their cached session and scope go, and
  // their open event sockets are re-checked on every instance.
  const credentials = {
    userChanged: async (userId: string) => {
      scopes.forgetUser(userId);
      await auth.userChanged(userId);
    },
  };
  const directory = new DirectoryRepository(db);
  const routes: RouteDefinition[] = [
    ...authRoutes({
      auth,
      passwordChange: new PasswordChange({ users, hasher, throttle, clock, credentials }),
      users,
      tokens,
      sessionSeconds,
      secureCookies: deps.secureCookies,
    }),
    ...preferenceRoutes({ users }),
    ...softphoneRoutes({ users, settings: deps.softphone }),
    ...userRoutes({ users, sessions, hasher, clock, credentials }),
    ...teamRoutes({ organisation: new OrganisationRepository(db), credentials }),
    ...queueRoutes({ queues }),
    ...dispositionCodeRoutes({ codes: dispositionCodes, queues }),
    ...phoneNumberRoutes({ numbers: new PhoneNumberRepository(db) }),
    ...flowRoutes({ flows: new FlowRepository(db), validator: deps.flowValidator, clock }),
    ...callRoutes({ calls, controls: deps.liveCalls }),
    ...liveCallRoutes({ calls, users, control: deps.liveCalls, memberships: scopeRepository }),
    ...callControlRoutes({
      calls,
      control: deps.liveCalls,
      events: new CallControlEvents(
        deps.redis,
        deps.eventStreamKey ?? createAcdKeys(deps.keyPrefix).events(),
        clock,
      ),
    }),
    ...consultRoutes({
      calls,
      memberships: scopeRepository,
      control: deps.liveCalls,
      queueAgents: {
        members: async (queueId) =>
          (
            await directory.people({
              text: '',
              reach: { agentIds: [], queueIds: [queueId] },
              limit: 500,
            })
          ).map((person) => person.id),
        status: (agentId) => deps.desk.status(agentId),
      },
    }),
    ...recordingRoutes({ calls, audit, recordingsDir: deps.recordingsDir }),
    ...contactRoutes({ contacts, calls, conversations, tickets }),
    ...conversationRoutes({ conversations, redactStoredMessages: deps.redactStoredMessages }),
    ...ticketRoutes({ tickets }),
    ...agentDeskRoutes({
      desk: deps.desk,
      wrapUp: new WrapUpRules({ calls, queues, codes: dispositionCodes }),
    }),
    ...interactionRoutes({ calls }),
    ...clickToDialRoutes({ desk: deps.desk, dialer: deps.clickToDial }),
    ...directoryRoutes({
      directory,
      desk: deps.desk,
      insight: deps.queueInsight,
      clock,
    }),
    ...auditRoutes({ audit: auditRepository }),
  ];
  const authenticate = (headers: IncomingHttpHeaders) =>
    auth.authenticate(requestCredentials(headers));
  const router = Router();
  // The resource routes first: the desktop's hot reads should not be matched
  // against the document routes on every request.
  const denials = new AccessDenials(audit, auditBudget);
  router.use(
    mountRoutes({
      routes,
      authenticate: (req) => authenticate(req.headers),
      scopes,
      audit,
      denials,
      onWrite: (write) => {
        // A changed user (role, team, disabled, password) is looked up afresh on their next request.
        if (write.targetType === 'user' && write.targetId !== null) auth.forgetUser(write.targetId);
        deps.onWrite?.(write);
      },
    }),
  );
  mountDocuments(router, routes);
  const ready = warmDatabase(db, deps.warmConnections ?? 10).catch(() => undefined);
  const close = () => {
    auth.close();
    scopes.close();
  };
  return { router, routes, auth, scopes, denials, authenticate, ready, close };
}

/** The OpenAPI document (`/openapi.json`) and its docs page (`/docs`), public. */
function mountDocuments(router: Router, routes: readonly RouteDefinition[]): void {
  const document = buildOpenApiDocument(routes, {
    title: 'Switchboard API',
    version: '1',
    serverUrl: apiBasePath,
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  const docs = docsPage(`${apiBasePath}/openapi.json`);
  router.get('/docs', (_req, res) => {
    // The page's own inline script and style, allowed by hash.
    res.setHeader('content-security-policy', docs.contentSecurityPolicy);
    res.type('html').send(docs.html);
  });
}
