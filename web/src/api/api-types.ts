/** The shapes the desktop reads, as the API's OpenAPI document states them. */

export type Role = 'agent' | 'supervisor' | 'admin';

export interface Me {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly teamId: string | null;
  readonly language?: string | null;
  readonly timeZone?: string | null;
  readonly autoAccept?: boolean;
}

export type AgentState = 'offline' | 'available' | 'reserved' | 'busy' | 'wrap-up' | 'break';

export interface Offer {
  readonly offerId: string;
  readonly contactId: string;
  readonly queueId: string;
  readonly channel: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly callback: boolean;
  readonly callerNumber?: string;
  readonly callbackNumber?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface ConnectedContact {
  readonly contactId: string;
  /** Empty for a call no queue offered (click-to-dial, a transfer or consultation to the agent). */
  readonly queueId: string;
  readonly channel: string;
  readonly acceptedAt: number;
  /** How routing engaged the agent outside the queues: `click-to-dial`, `transfer`, `consult`. */
  readonly engagement?: string;
}

export interface AgentStatus {
  readonly agentId: string;
  readonly state: AgentState;
  /** When the agent entered the state (ms since the epoch; 0: never). */
  readonly stateSince: number;
  readonly reason: string;
  readonly wrapUpUntil: number;
  readonly consecutiveMisses: number;
  readonly voiceBackoffUntil: number;
  readonly offers: readonly Offer[];
  readonly contacts: readonly ConnectedContact[];
}

export interface Queue {
  readonly id: string;
  readonly name: string;
  readonly wrapUpSeconds?: number;
}

export interface LiveEventMessage {
  readonly kind: 'event';
  readonly id: string;
  readonly type: string;
  readonly topic: string;
  readonly data: Readonly<Record<string, string>>;
}

/** `GET /directory?q=`: people and queues to transfer to, within the user's scope. */
export interface Directory {
  readonly agents: readonly DirectoryAgent[];
  readonly queues: readonly DirectoryQueue[];
}

export interface DirectoryAgent {
  readonly id: string;
  readonly displayName: string;
  readonly state: AgentState;
  /** When the agent entered the state (ms since the epoch; 0: never). */
  readonly stateSince: number;
  readonly secondsInState: number | null;
  /** Available now. */
  readonly canTakeTransfer: boolean;
}

export interface DirectoryQueue {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  /** Contacts waiting now; null when unknown. */
  readonly waiting: number | null;
}
