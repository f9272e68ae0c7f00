import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { AccessScope } from '../access/access-scope.ts';
import type { AccessScopeResolver } from '../access/access-scope-resolver.ts';
import { hasScope, roleAtLeast, type Principal } from '../access/principal.ts';
import type { AccessDenials } from '../audit/access-denials.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import { crossSiteRefusal, foreignOrigin } from '../auth/cross-site-check.ts';
import { requestCredentials } from '../auth/request-credentials.ts';
import type { RouteContext, RouteDefinition } from './route-definition.ts';
import { routeMatcher } from './route-matcher.ts';
import { parseRequestPart } from './request-validation.ts';

export interface MountOptions {
  readonly routes: readonly RouteDefinition[];
  /** Finds the caller from the request's cookie or bearer token. */
  readonly authenticate: (req: Request) => Promise<Principal | null>;
  readonly scopes: AccessScopeResolver;
  readonly audit: AuditTrail;
  /** Where refusals (403) are logged and audited. */
  readonly denials: AccessDenials;
  /** Told of every successful write, after its audit entry (e.g. to refresh routing's copy). */
  readonly onWrite?: (write: {
    readonly targetType: string;
    readonly targetId: string | null;
  }) => void;
}

/**
 * Builds the express middleware serving `routes`. Every route runs the same pipeline, in this
 * order: authenticate, role and token scope, params and query, the
 * object-level check, the body, the handler, then the audit entry for writes.
 * Checking the object before the body means a caller who may not touch an
 * object learns nothing from validation messages.
 *
 * The routes are matched by one middleware (see {@link routeMatcher}) rather
 * than one express layer each, and JSON answers are written directly: on the
 * hot reads express's per-layer matching and `res.json` were a tenth of the
 * server's CPU per request.
 */
export function mountRoutes(options: MountOptions): RequestHandler {
  for (const route of options.routes) {
    if (route.method !== 'get' && route.audit === undefined && route.minimumRole !== 'public') {
      throw new Error(`${route.method.toUpperCase()} ${route.path} must declare what it audits`);
    }
  }
  const match = routeMatcher(options.routes);
  return (req: Request, res: Response, next: NextFunction) => {
    const found = match(req.method, req.path);
    if (found === undefined) {
      next();
      return;
    }
    // Answers carry personal data (numbers, recordings, the caller's own
    // session): no browser or proxy cache may keep them. Errors too: the
    // header is set before anything can fail.
    res.setHeader('cache-control', 'no-store');
    if (found === 'bad-path') {
      next(new SwitchboardError('validation_failed', 'The path is not validly encoded'));
      return;
    }
    req.params = found.params;
    handle(found.route, options, req, res).catch(next);
  };
}

async function handle(
  route: RouteDefinition,
  options: MountOptions,
  req: Request,
  res: Response,
): Promise<void> {
  const principal = await options.authenticate(req);
  try {
    await serve(route, options, req, res, principal);
  } catch (error) {
    if (error instanceof SwitchboardError && error.code === 'forbidden') {
      await options.denials.record(req, principal, route.path, error.message);
    }
    throw error;
  }
}

async function serve(
  route: RouteDefinition,
  options: MountOptions,
  req: Request,
  res: Response,
  principal: Principal | null,
): Promise<void> {
  refuseCrossSiteWrite(route, req);
  if (route.minimumRole !== 'public') {
    if (principal === null) throw new SwitchboardError('unauthenticated', 'Log in first');
    if (!roleAtLeast(principal.role, route.minimumRole)) {
      throw new SwitchboardError('forbidden', `Needs the ${route.minimumRole} role`);
    }
    const needed = route.method === 'get' ? 'read' : 'write';
    if (!hasScope(principal, needed)) {
      throw new SwitchboardError('forbidden', `Token lacks the ${needed} scope`);
    }
  }
  let scope: Promise<AccessScope> | undefined;
  let auditDetails: Record<string, unknown> = {};
  let auditTarget: string | undefined;
  const base = {
    params: parseRequestPart(route.params, req.params, 'params'),
    query: parseRequestPart(route.query, req.query, 'query'),
    // Public routes may run without a principal; they never read this.
    principal: principal as Principal,
    scope: () => (scope ??= options.scopes.resolve(principal as Principal)),
    req,
    res,
    auditDetails: (details: Record<string, unknown>) => {
      auditDetails = { ...auditDetails, ...details };
    },
    auditTarget: (id: string) => {
      auditTarget = id;
    },
  };
  if (route.authorize !== undefined) await route.authorize({ ...base, body: undefined });
  const ctx: RouteContext<unknown, unknown, unknown> = {
    ...base,
    body: parseRequestPart(route.body, req.body ?? {}, 'body'),
  };
  const result = await route.handler(ctx);
  if (route.audit !== undefined && principal !== null) {
    await options.audit.record({
      actor: principal,
      action: route.audit.action,
      targetType: route.audit.targetType,
      targetId: auditTarget ?? lastParam(req.params) ?? idOf(result?.body),
      sourceAddress: req.ip ?? null,
      details: { ...auditDetails, method: route.method.toUpperCase(), path: req.originalUrl },
    });
  }
  if (route.audit !== undefined) {
    options.onWrite?.({
      targetType: route.audit.targetType,
      targetId: auditTarget ?? lastParam(req.params),
    });
  }
  if (result !== undefined) sendJson(res, result.status ?? route.successStatus ?? 200, result.body);
}

/**
 * A browser's write with the session cookie (or its log-in, which sets the
 * cookie) must come from a page of this server; bearer tokens are not sent
 * by browsers on their own, so integrations are exempt.
 */
function refuseCrossSiteWrite(route: RouteDefinition, req: Request): void {
  if (route.method === 'get') return;
  const byCookie = requestCredentials(req.headers).sessionToken !== undefined;
  if (!byCookie && route.minimumRole !== 'public') return;
  const origin = foreignOrigin(req.headers, req.host);
  if (origin !== undefined) throw crossSiteRefusal(origin);
}

/**
 * Writes a JSON answer as `res.json` would, minus what an API answer does
 * not need (an ETag hash of every body, content negotiation).
 */
function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body) ?? '';
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

function lastParam(params: Record<string, unknown>): string | null {
  const values = Object.values(params);
  const last = values[values.length - 1];
  return typeof last === 'string' ? last : null;
}

function idOf(body: unknown): string | null {
  if (typeof body === 'object' && body !== null && 'id' in body) {
    const id: unknown = body.id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return null;
}
