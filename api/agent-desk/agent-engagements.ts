import type { EngagementKind } from '../../routing/agent/agent-state.ts';

/**
 * What the voice layer (and its API twins) ask of routing to hold an agent
 * busy on a call no queue offered them: routing's `AgentDesk.engage` and
 * `release` (routing/README.md, "Calls outside the queues"). Owned here,
 * by the callers that place such calls (click-to-dial, transfers and
 * consultations to an agent).
 *
 * @example
 * await engagements.engage(agentId, callId, 'click-to-dial'); // 409 (conflict) naming why
 * // ... the call ...
 * await engagements.release(agentId, callId);                 // wrap-up, then available
 */
export interface AgentEngagements {
  /**
   * Marks the agent busy on `callId`; rejects with `conflict` (details.reason
   * `offline`, `break`, `wrap-up`, `ringing`, `on-contact`, `engaged`) when
   * they cannot take it. `queueId` (routing's name) decides the wrap-up.
   */
  engage(agentId: string, callId: string, kind: EngagementKind, queueId?: string): Promise<unknown>;
  /** Ends it; rejects with `not_found` when it already ended. */
  release(agentId: string, callId: string): Promise<unknown>;
}

/**
 * Releases quietly: the engagement may already have ended (the agent
 * completed it from the desktop), and a failure to release must not disturb
 * the call teardown it runs in. Never rejects.
 */
export async function releaseQuietly(
  engagements: AgentEngagements | undefined,
  agentId: string,
  callId: string,
  logger: { debug(details: object, message: string): void },
): Promise<void> {
  await engagements?.release(agentId, callId).catch((error: unknown) => {
    logger.debug({ err: error, agentId, callId }, 'engagement already released');
  });
}
