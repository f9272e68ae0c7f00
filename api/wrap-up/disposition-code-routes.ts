import { z } from 'zod';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import {
  dispositionCodeKey,
  type DispositionCodeRepository,
  type DispositionCodeRow,
} from '../../sql/repositories/disposition-code-repository.ts';
import type { QueueRepository } from '../../sql/repositories/queue-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import type { AccessScope } from '../access/access-scope.ts';
import type { Principal } from '../access/principal.ts';
import { timestamp, uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import { wrapUpCode } from './wrap-up-code.ts';

const label = z.string().trim().min(1, 'must not be empty').max(80, 'at most 80 characters');

const codeView = z.object({
  id: uuid,
  code: z.string(),
  label: z.string(),
  queueId: uuid.nullable().describe('null: a global code, offered on every queue'),
  active: z.boolean(),
  createdAt: timestamp,
});

type ScopeContext = {
  readonly principal: Principal;
  readonly scope: () => Promise<AccessScope>;
};

interface CodeDeps {
  readonly codes: DispositionCodeRepository;
  readonly queues: QueueRepository;
}

/**
 * Disposition (wrap-up) codes. Everyone sees the global codes and those of
 * the queues in their scope (an agent's own queues, a supervisor's teams'
 * queues, all for admins). A supervisor manages the codes of their teams'
 * queues; global codes are the admins'.
 */
export function dispositionCodeRoutes(deps: CodeDeps): RouteDefinition[] {
  return [listRoute(deps), createRoute(deps), updateRoute(deps), deleteRoute(deps)];
}

const codeParams = z.object({ codeId: uuid });

/** A queue the caller may see: missing and out of scope answer alike. */
async function requireVisibleQueue(deps: CodeDeps, { scope }: ScopeContext, queueId: string) {
  const s = await scope();
  requireVisible(s.all || s.queueIds.includes(queueId), 'Queue');
  requireVisible((await deps.queues.findById(queueId)) !== undefined, 'Queue');
}

/** A code the caller may change: admins any; supervisors those of their teams' queues. */
function manageable(deps: CodeDeps) {
  return async (ctx: ScopeContext & { params: { codeId: string } }): Promise<void> => {
    const row = await deps.codes.findById(ctx.params.codeId);
    requireVisible(row !== undefined, 'Disposition code');
    if (ctx.principal.role === 'admin') return;
    if (row!.queue_id === null) throw onlyAdminsGlobal();
    const s = await ctx.scope();
    requireVisible(s.queueIds.includes(row!.queue_id), 'Disposition code');
  };
}

function listRoute(deps: CodeDeps): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/disposition-codes',
    tag: 'wrap-up',
    summary: 'Disposition codes: global ones and those of my queues (or of one queue)',
    minimumRole: 'agent',
    query: z.object({ queueId: uuid.optional() }),
    response: z.object({ items: z.array(codeView) }),
    handler: async (ctx) => {
      const { queueId } = ctx.query;
      if (queueId !== undefined) await requireVisibleQueue(deps, ctx, queueId);
      const s = await ctx.scope();
      const rows = await deps.codes.list(
        queueId !== undefined ? [queueId] : s.all ? 'all' : s.queueIds,
      );
      return { body: { items: rows.map(toCodeView) } };
    },
  });
}

function createRoute(deps: CodeDeps): RouteDefinition {
  return defineRoute({
    method: 'post',
    path: '/disposition-codes',
    tag: 'wrap-up',
    summary: "Add a code to one of my teams' queues (admins: any queue, or global)",
    minimumRole: 'supervisor',
    body: z.object({
      code: wrapUpCode,
      label,
      queueId: uuid.nullable().default(null).describe('null or absent: a global code (admins)'),
    }),
    response: codeView,
    successStatus: 201,
    audit: { action: 'disposition-code.create', targetType: 'disposition-code' },
    handler: async (ctx) => {
      const { body } = ctx;
      if (body.queueId === null) {
        if (ctx.principal.role !== 'admin') throw onlyAdminsGlobal();
      } else {
        await requireVisibleQueue(deps, ctx, body.queueId);
      }
      ctx.auditDetails({ code: body.code, queueId: body.queueId });
      const row = await deps.codes
        .insert({ code: body.code, label: body.label, queue_id: body.queueId })
        .catch((error: unknown) => {
          throw duplicateRefusal(error, body.code, body.queueId);
        });
      return { body: toCodeView(row) };
    },
  });
}

function updateRoute(deps: CodeDeps): RouteDefinition {
  return defineRoute({
    method: 'patch',
    path: '/disposition-codes/:codeId',
    tag: 'wrap-up',
    summary: 'Rename a code or (de)activate it; an inactive code is no longer accepted',
    minimumRole: 'supervisor',
    params: codeParams,
    body: z.object({ label: label.optional(), active: z.boolean().optional() }),
    response: codeView,
    audit: { action: 'disposition-code.update', targetType: 'disposition-code' },
    authorize: manageable(deps),
    handler: async ({ params, body, auditDetails }) => {
      auditDetails({ changes: body });
      const row = await deps.codes.update(params.codeId, body);
      requireVisible(row !== undefined, 'Disposition code');
      return { body: toCodeView(row!) };
    },
  });
}

function deleteRoute(deps: CodeDeps): RouteDefinition {
  return defineRoute({
    method: 'delete',
    path: '/disposition-codes/:codeId',
    tag: 'wrap-up',
    summary: 'Delete a code; calls already wrapped up with it keep it',
    minimumRole: 'supervisor',
    params: codeParams,
    audit: { action: 'disposition-code.delete', targetType: 'disposition-code' },
    authorize: manageable(deps),
    handler: async ({ params, auditDetails }) => {
      const row = await deps.codes.findById(params.codeId);
      auditDetails({ code: row?.code ?? null, queueId: row?.queue_id ?? null });
      requireVisible(await deps.codes.delete(params.codeId), 'Disposition code');
      return { status: 204, body: undefined };
    },
  });
}

function onlyAdminsGlobal(): SwitchboardError {
  return new SwitchboardError(
    'forbidden',
    "Global codes are the admins'; give the queueId of one of your teams' queues",
  );
}

/** A duplicate code says which, and where; any other failure passes through. */
function duplicateRefusal(error: unknown, code: string, queueId: string | null): unknown {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  if (constraint !== dispositionCodeKey) return error;
  return new SwitchboardError(
    'conflict',
    queueId === null
      ? `A global code ${code} already exists`
      : `The queue already has a code ${code}`,
    { field: 'body.code', code, queueId },
  );
}

function toCodeView(row: DispositionCodeRow): z.infer<typeof codeView> {
  return {
    id: row.id,
    code: row.code,
    label: row.label,
    queueId: row.queue_id,
    active: row.active,
    createdAt: row.created_at.toISOString(),
  };
}
