import { useEffect, useRef, useState } from 'react';
import type { AgentStatus } from '../api/api-types.ts';
import type { FinishedContact } from './desk-context.ts';

/**
 * Which contact is being wrapped up: the one that left the agent's list as
 * the state became wrap-up (ended by the caller, or by the agent). After a
 * reload in wrap-up it is unknown: an empty contact, so the form still opens.
 */
export function useWrappingContact(current: AgentStatus | undefined) {
  const [wrapping, setWrapping] = useState<FinishedContact | null>(null);
  const previousContacts = useRef<AgentStatus['contacts']>([]);
  useEffect(() => {
    if (current === undefined) return;
    const gone = previousContacts.current.filter(
      (before) => !current.contacts.some((now) => now.contactId === before.contactId),
    );
    previousContacts.current = current.contacts;
    if (current.state === 'wrap-up' && gone[0] !== undefined) setWrapping(gone[0]);
    if (current.state !== 'wrap-up' && current.contacts.length === 0) setWrapping(null);
    if (current.state === 'wrap-up' && gone.length === 0) {
      setWrapping((w) => w ?? { contactId: '', queueId: '', channel: 'voice' });
    }
  }, [current]);
  return [wrapping, setWrapping] as const;
}
