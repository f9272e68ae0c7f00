import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { agentStates } from '../../routing/agent/agent-state.ts';
import type { DirectoryRepository } from '../../sql/repositories/directory-repository.ts';
import type { AgentDeskPort } from '../agent-desk/agent-desk-routes.ts';
import { uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

const unknownToRouting = { state: 'offline', stateSince: 0 } as const;

/** Rows per list: a search box, not an export. */
const maxRows = 50;

const directoryView = z.object({
  agents: z.array(
    z.object({
      id: uuid,
      displayName: z.string(),
      state: z.enum(agentStates as [string, ...string[]]),
      stateSince: z
        .number()
        .describe('when the agent entered the state, ms since the epoch (0: never)'),
      secondsInState: z.number().int().nullable().describe('null when never in a state'),
      canTakeTransfer: z.boolean().describe('available now'),
    }),
  ),
  queues: z.array(
    z.object({
      id: uuid,
      name: z.string(),
      displayName: z.string(),
      waiting: z.number().int().nullable().describe('contacts waiting now; null when unknown'),
    }),
  ),
});

/**
 * The transfer directory of the agent desktop: people who take calls and
 * queues, found by name. Everyone sees within their own access scope: an
 * agent the people who share one of their queues and those queues; a
 * supervisor their teams' people, the people sharing their teams' queues,
 * and those queues; an admin everyone who serves a queue and every queue.
 * Display names only, never contact details. Speed-dial numbers are not
 * listed (there is no table for them yet).
 */
export function directoryRoutes(deps: {
  directory: DirectoryRepository;
  desk: Pick<AgentDeskPort, 'status'>;
  /** Contacts waiting per queue, by its routing name (routing's `QueueInsight`); absent: null. */
  insight?: { snapshot(queueName: string): Promise<{ readonly waiting: number }> } | undefined;
  clock: Clock;
}): RouteDefinition[] {
  const { directory, desk, clock } = deps;
  const stateOf = async (agentId: string) => {
    const status = await desk.status(agentId).catch((error: unknown) => {
      // Not in routing yet (added since the last sync): offline until it is.
      if (error instanceof SwitchboardError && error.code === 'not_found') return unknownToRouting;
      throw error;
    });
    const seconds =
      status.stateSince > 0
        ? Math.max(0, Math.floor((clock.now() - status.stateSince) / 1000))
        : null;
    return {
      state: status.state,
      stateSince: status.stateSince,
      secondsInState: seconds,
      canTakeTransfer: status.state === 'available',
    };
  };
  // Routing names queues by name (app/routing-directory-sync.ts).
  // A queue routing does not know (yet) is shown without a count, not as an error.
  const waitingIn = async (name: string) =>
    deps.insight === undefined
      ? null
      : deps.insight.snapshot(name).then(
          (snapshot) => snapshot.waiting,
          () => null,
        );
  return [
    defineRoute({
      method: 'get',
      path: '/directory',
      tag: 'agent-desk',
      summary:
        'Find people and queues to transfer to, by name (any case); within my scope, 50 of each at most',
      minimumRole: 'agent',
      query: z.object({
        q: z.string().trim().max(100, 'at most 100 characters').optional(),
      }),
      response: directoryView,
      handler: async ({ query, scope, principal }) => {
        const s = await scope();
        const text = query.q ?? '';
        const [people, queues] = await Promise.all([
          directory.people({
            text,
            reach: s.all ? 'all' : { agentIds: s.agentIds, queueIds: s.queueIds },
            exceptUserId: principal.userId,
            limit: maxRows,
          }),
          directory.queues({ text, queueIds: s.all ? 'all' : s.queueIds, limit: maxRows }),
        ]);
        const [agents, waiting] = await Promise.all([
          Promise.all(people.map(async (p) => ({ ...p, ...(await stateOf(p.id)) }))),
          Promise.all(queues.map((q) => waitingIn(q.name))),
        ]);
        return {
          body: {
            agents,
            queues: queues.map((q, i) => ({ ...q, waiting: waiting[i] ?? null })),
          },
        };
      },
    }),
  ];
}
