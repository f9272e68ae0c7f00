import { createContext, useContext } from 'react';
import type { TFunction } from 'i18next';
import type { AgentStatus, ConnectedContact, Offer, Queue } from '../api/api-types.ts';
import type { LiveConnection } from '../api/live-events.ts';
import type { Consultation, Consultations } from './consultation-state.ts';

/** A supervisor on one of the agent's calls, from `supervision.*` events. */
export interface Supervision {
  readonly callId: string;
  readonly supervisorId: string;
  readonly supervisorName: string | null;
  readonly mode: string;
}

/** A contact the agent finished: what the wrap-up form writes to. */
export interface FinishedContact {
  readonly contactId: string;
  readonly queueId: string;
  readonly channel: string;
}

export interface Desk {
  readonly status: AgentStatus | undefined;
  readonly statusError: unknown;
  readonly queues: ReadonlyMap<string, Queue>;
  readonly connection: LiveConnection;
  readonly supervision: readonly Supervision[];
  /** Warm transfers of the agent's calls, by call id (the last of each call). */
  readonly consultations: Consultations;
  /** The API's answer to one of the agent's own consultation steps; `null` forgets the call's. */
  readonly noteConsultation: (callId: string, change: Consultation | null) => void;
  /** The interaction shown in the middle pane. */
  readonly selectedContactId: string | null;
  readonly select: (contactId: string | null) => void;
  /** The contact whose wrap-up is open, if any. */
  readonly wrapping: FinishedContact | null;
  readonly setState: (state: 'available' | 'break' | 'offline', reason?: string) => void;
  readonly accept: (offer: Offer) => void;
  readonly reject: (offer: Offer) => void;
  readonly complete: (contactId: string) => void;
  readonly finishWrapUp: (form: { code?: string; notes?: string }) => Promise<void>;
  readonly busyAction: string | null;
  readonly openHelp: () => void;
  /** Re-reads the agent's status (after an action the socket may tell later). */
  readonly refresh: () => void;
}

export const DeskContext = createContext<Desk | null>(null);

export function useDesk(): Desk {
  const desk = useContext(DeskContext);
  if (desk === null) throw new Error('useDesk outside DeskProvider');
  return desk;
}

/** Routing names queues by name, the API by id: either finds the queue's name. */
export function queueName(queues: ReadonlyMap<string, Queue>, idOrName: string): string {
  return queues.get(idOrName)?.name ?? idOrName;
}

/**
 * What a contact is, in the work list and the interaction's head: its
 * queue's name, or for a call no queue offered (`queueId` empty) how it
 * reached the agent ("Outbound call" for click-to-dial).
 */
export function contactTitle(
  contact: ConnectedContact,
  queues: ReadonlyMap<string, Queue>,
  t: TFunction,
): string {
  if (contact.queueId !== '') return queueName(queues, contact.queueId);
  if (contact.engagement === 'transfer') return t('work.transferredIn');
  if (contact.engagement === 'consult') return t('work.consultIn');
  return t('work.outbound');
}
