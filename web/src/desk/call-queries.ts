import { useQuery } from '@tanstack/react-query';
import { api } from '../api/api-client.ts';

export interface CallDetail {
  readonly id: string;
  readonly direction: string;
  readonly from: string;
  readonly to: string;
  readonly contactId: string | null;
  readonly queueId: string | null;
  readonly agentId: string | null;
  readonly startedAt: string;
  readonly answeredAt: string | null;
  readonly endedAt: string | null;
  readonly disposition: string | null;
  readonly wrapUpCode: string | null;
  readonly wrapUpNotes?: string | null;
  /** In the 360 view, with each recording's length. */
  readonly recordings?: readonly { id: string; durationMs: number }[];
  /** While an agent is bridged: whether the customer is on hold and the agent muted. */
  readonly controls?: { readonly held: boolean; readonly muted: boolean } | null;
}

export interface Customer360 {
  readonly id: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly company: string;
  readonly tags: readonly string[];
  readonly phones: readonly { phone: string; label: string }[];
  readonly emails: readonly { email: string; label: string }[];
  readonly calls: readonly CallDetail[];
  readonly conversations: readonly {
    id: string;
    channel?: string;
    status?: string;
    subject?: string;
    updatedAt?: string;
  }[];
  readonly tickets: readonly {
    id: string;
    subject?: string;
    status?: string;
    priority?: string;
    updatedAt?: string;
  }[];
}

/** A voice contact's id is its call's id, a UUID; other channels' ids are not. */
export const isCallId = (id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);

/**
 * A voice contact's call record (its id is the call id); nothing for other
 * channels. Re-read on `call.connected` (the voice layer bridged the agent:
 * hold, mute and keys work from then) and `call.controls` events.
 */
export function useCall(contactId: string | null) {
  return useQuery({
    queryKey: ['call', contactId],
    queryFn: () => api.get<CallDetail>(`/calls/${contactId}`),
    enabled: contactId !== null && isCallId(contactId),
    retry: false,
  });
}

export function useCustomer(customerId: string | null | undefined) {
  return useQuery({
    queryKey: ['customer', customerId],
    queryFn: () => api.get<Customer360>(`/contacts/${customerId}`),
    enabled: typeof customerId === 'string',
    retry: false,
  });
}
