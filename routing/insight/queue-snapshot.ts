import type { AgentState } from '../agent/agent-state.ts';

/**
 * Today's (UTC) service level for a queue:
 * answeredWithinTarget / (answered + abandoned - abandonedWithinTarget),
 * i.e. callers who hung up before the target are left out, and null before
 * the first counted contact.
 */
export interface ServiceLevel {
  readonly targetSeconds: number;
  readonly answered: number;
  readonly answeredWithinTarget: number;
  readonly abandoned: number;
  readonly abandonedWithinTarget: number;
  /** 0-1, or null when nothing counted yet today. */
  readonly ratio: number | null;
}

/** The wallboard's view of one queue at one moment. */
export interface QueueSnapshot {
  readonly queueId: string;
  readonly takenAt: number;
  /** Contacts in line (waiting or ringing) per priority 1-5. */
  readonly waitingByPriority: Readonly<Record<1 | 2 | 3 | 4 | 5, number>>;
  readonly waiting: number;
  /** Longest current wait in seconds; 0 when nobody waits. */
  readonly oldestWaitSeconds: number;
  readonly agentsByState: Readonly<Record<AgentState, number>>;
  readonly serviceLevel: ServiceLevel;
  readonly overflowedToday: number;
  readonly timedOutToday: number;
}
