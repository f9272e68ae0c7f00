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
  readonly queueId: string;
  readonly channel: string;
  readonly acceptedAt: number;
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
