import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { UserRole } from '../../sql/tables/people-tables.ts';
import type { AccessScope } from '../access/access-scope.ts';
import type { Principal } from '../access/principal.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Everything a handler may use about the request, already checked. */
export interface RouteContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal;
  /** What the principal may see; computed lazily and once per request. */
  readonly scope: () => Promise<AccessScope>;
  readonly req: Request;
  readonly res: Response;
  /** Extra facts for this write's audit entry (merged into its details). */
  readonly auditDetails: (details: Record<string, unknown>) => void;
  /** Overrides the audit target id (e.g. the id of a created object). */
  readonly auditTarget: (id: string) => void;
}

/** A JSON answer; `undefined` means the handler already streamed its response. */
export type RouteResult = { readonly status?: number; readonly body: unknown } | undefined;

/** What a write leaves in the audit log. */
export interface RouteAudit {
  /** e.g. `user.create`; lower-case, dotted. */
  readonly action: string;
  /** e.g. `user`; the target id defaults to the route's last path parameter. */
  readonly targetType: string;
}

/**
 * One API operation: its contract (zod schemas, also the source of the
 * OpenAPI document), who may call it, the per-object check, and what it audits.
 *
 * @example
 * defineRoute({ method: 'get', path: '/skills', summary: 'List skills', tag: 'skills',
 *   minimumRole: 'agent', response: skillList, handler: async () => ({ body: await repo.listSkills() }) });
 */
export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  readonly method: HttpMethod;
  /** Express path under /api/v1, e.g. `/users/:userId`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** `public` routes need no credentials (login, the OpenAPI document). */
  readonly minimumRole: UserRole | 'public';
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Shape of a successful JSON answer, for the document. */
  readonly response?: z.ZodType;
  readonly successStatus?: number;
  /** Content type when the route streams something other than JSON. */
  readonly produces?: string;
  /**
   * Object-level check, run after the role check and before the body is read:
   * throw `not_found` when the object is outside the principal's scope.
   */
  readonly authorize?: (ctx: RouteContext<z.output<P>, z.output<Q>, undefined>) => Promise<void>;
  /** Required for every route that is not a GET. */
  readonly audit?: RouteAudit;
  readonly handler: (
    ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>,
  ) => Promise<RouteResult>;
}

/** Keeps schema types flowing into the handler; returns the definition unchanged. */
export function defineRoute<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
>(route: RouteDefinition<P, Q, B>): RouteDefinition {
  // Identity at run time; at compile time it infers P, Q and B for the handler.
  return route;
}
